"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_output_path", "check_output_dir", "install_files",
           "exclusive_lock"]


def check_output_path(path: Path, *, force: bool = True) -> Path:
    """Refuse an output path whose folder is missing or unwritable, or that exists without ``force``."""
    path = Path(path)
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(f"Cannot write {path}: the folder {folder} does not exist (create it first).")
    if not os.access(folder, os.W_OK):
        raise OutputError(f"Cannot write {path}: the folder {folder} is not writable.")
    if path.is_dir():
        raise OutputError(f"Cannot write {path}: it is a folder; give a file name.")
    if path.exists() and not force:
        raise OutputError(f"{path} exists already; pass --force to overwrite it.")
    return path


@contextmanager
def exclusive_lock(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on the file ``path`` (created if missing) for the ``with`` block.

    Several processes (pytest workers, a notebook and a shell) may build or write one folder at
    once; the lock makes them take turns. POSIX ``flock`` where it exists; on Windows, where
    ``fcntl`` does not, ``msvcrt`` locks the file's first byte (it waits, retrying, as flock does).
    Imported here rather than at the top of a module so that ``import harbin_kg`` works everywhere.
    """
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:  # Windows
            import msvcrt

            handle.seek(0)
            while True:
                try:
                    msvcrt.locking(handle.fileno(), msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined]
                    break
                except OSError:  # LK_LOCK gives up after about 10 s; keep waiting, as flock would
                    continue
            try:
                yield
            finally:
                handle.seek(0)
                msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)  # type: ignore[attr-defined]
        else:
            fcntl.flock(handle, fcntl.LOCK_EX)
            yield  # closing the file releases the lock


def atomic_write_bytes(path: Path, data: bytes) -> Path:
    """Write ``data`` to a temporary file beside ``path``, fsync it, then rename it over ``path``."""
    path = Path(path)
    check_output_path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        # Whatever happened, the half-written temporary file must not linger.
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    try:  # make the rename itself durable
        dir_fd = os.open(path.parent or ".", os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass
    return path


def atomic_write_text(path: Path, text: str) -> Path:
    """:func:`atomic_write_bytes` for UTF-8 text."""
    return atomic_write_bytes(path, text.encode("utf-8"))


# --- One build's files land together: versioned folder + one atomic switch -----------------------
#
# ``out/harbin.ttl`` is a symbolic link to ``.builds/current/harbin.ttl`` and ``.builds/current``
# a link to the folder of one build (``.builds/<id>/``). A build writes its files into a new
# folder, then replaces the ``current`` link with one ``os.replace``: whoever opens
# ``out/harbin.ttl`` and ``out/harbin.nt`` sees both files of the same build, whenever the
# writer is interrupted (Ctrl-C, SIGTERM, kill -9, power loss after the fsyncs). A lock file
# serialises concurrent writers into the same folder; the last one to switch wins, whole.

BUILDS = ".builds"


def _fsync_dir(folder: Path) -> None:
    try:
        dir_fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass


def _replace_symlink(link: Path, target: str) -> None:
    """Point ``link`` at ``target`` in one step (a new link renamed over the old one)."""
    tmp = link.parent / f".{link.name}.{os.getpid()}.tmp"
    if os.path.lexists(tmp):
        os.unlink(tmp)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _adopt_plain_files(out_dir: Path, store: Path, names) -> None:
    """An output folder from before versioned builds holds plain files: move them under
    ``.builds`` (hard links, so each name keeps its bytes) before any name turns into a link."""
    plain = [name for name in names if (out_dir / name).is_file() and not (out_dir / name).is_symlink()]
    if not plain:
        return
    if not os.path.lexists(store / "current"):
        legacy = Path(tempfile.mkdtemp(prefix="earlier-", dir=store))
        for name in plain:
            try:
                os.link(out_dir / name, legacy / name)
            except OSError:  # a file system without hard links: a copy does as well
                (legacy / name).write_bytes((out_dir / name).read_bytes())
        os.chmod(legacy, 0o755)
        _replace_symlink(store / "current", legacy.name)
    for name in plain:
        _replace_symlink(out_dir / name, f"{BUILDS}/current/{name}")


def _output_error(out_dir: Path, error: OSError) -> OutputError:
    reason = error.strerror or str(error)
    where = error.filename or out_dir
    return OutputError(f"Cannot write the output folder {out_dir} ({where}: {reason}). Nothing was changed; "
                       "choose a writable folder with -o (输出目录不可写).")


def check_output_dir(out_dir: Path) -> Path:
    """Fail early, before a long build, when ``out_dir`` cannot be created or written."""
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise _output_error(out_dir, error) from None
    if not out_dir.is_dir():
        raise OutputError(f"Cannot write the output folder {out_dir}: it is a file (输出路径是文件).")
    if not os.access(out_dir, os.W_OK):
        raise _output_error(out_dir, PermissionError(13, "Permission denied", str(out_dir)))
    return out_dir


def install_files(out_dir: Path, files: "dict[str, bytes]", *, label: str = "build") -> list[Path]:
    """Write ``files`` ({name: bytes}) as one set into ``out_dir``: all of them become visible
    at once, or none (the previous set stays whole). Returns ``out_dir / name`` for each name.

    Concurrent calls on one folder are serialised by a lock; earlier sets are removed once the
    new one is live (a reader that already opened one keeps reading it).
    """
    import re
    import shutil

    out_dir = check_output_dir(out_dir)
    store = out_dir / BUILDS
    safe = re.sub(r"[^A-Za-z0-9._-]", "-", label)[:40] or "build"
    try:
        store.mkdir(exist_ok=True)
        with exclusive_lock(store / "lock"):
            _adopt_plain_files(out_dir, store, files)
            folder = Path(tempfile.mkdtemp(prefix=f"{safe}-", dir=store))
            try:
                for name, data in files.items():
                    with open(folder / name, "wb") as handle:
                        handle.write(data)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.chmod(folder / name, 0o644)
                os.chmod(folder, 0o755)
                _fsync_dir(folder)
                # Links first (dangling until the first switch: absent, not half-present) …
                for name in files:
                    link, target = out_dir / name, f"{BUILDS}/current/{name}"
                    if not (link.is_symlink() and os.readlink(link) == target):
                        _replace_symlink(link, target)
                # … then the one switch that makes the whole new set live.
                _replace_symlink(store / "current", folder.name)
            except BaseException:
                # Interrupted before the switch: this folder is garbage (after it: it is live).
                live = os.readlink(store / "current") if (store / "current").is_symlink() else None
                if live != folder.name:
                    shutil.rmtree(folder, ignore_errors=True)
                raise
            _fsync_dir(store)
            _fsync_dir(out_dir)
            live = os.readlink(store / "current")
            for entry in store.iterdir():  # earlier builds and leftovers of interrupted ones
                if entry.name not in (live, "lock", "current") and not entry.is_symlink():
                    shutil.rmtree(entry, ignore_errors=True)
                elif entry.is_symlink() and entry.name != "current":
                    entry.unlink()
            for name in files:  # temporary links a killed writer left beside the outputs
                for stale in out_dir.glob(f".{name}.*.tmp"):
                    stale.unlink()
    except OSError as error:
        raise _output_error(out_dir, error) from None
    return [out_dir / name for name in files]
