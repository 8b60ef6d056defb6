"""A persistent on-disk pyoxigraph store for a graph file, keyed by the hash of its bytes.

Loading a 1M-triple file takes seconds on every command; opening a store that is already on
disk takes milliseconds. :func:`open_file_store` parses and checks a file once (the same strict
checks as :func:`harbin_kg.graph.store.load_store`), writes the store and a name index (every
normalised name → the entities so named, see :mod:`harbin_kg.graph.store_names`) into a folder named
after the SHA-256 of the file's bytes, and afterwards opens that folder read-only.

* **Where.** ``HARBIN_KG_STORE_CACHE`` if set (``off`` switches the cache off), else
  ``build/cache/stores`` in a checkout, else ``$XDG_CACHE_HOME/harbin-kg/stores``
  (``~/.cache/harbin-kg/stores``). Deleting the folder is always safe; ``harbin-kg query
  --clear-store-cache`` does it (docs/startup.md).
* **Which files.** The bundled graph, and any file of at least :data:`MIN_BYTES` (smaller files
  load faster than a store folder is written).
* **Keyed by content**, never by name: a changed file gets a new store. Hashing 150 MB takes a
  fraction of a second, so the hash is remembered per file with its size, modification time and
  inode; a file modified less than :data:`RACY_SECONDS` before it was hashed is hashed again
  (its time stamp could hide a second change, as git's racy-index rule).
* **Atomic.** A store is written in a temporary folder and renamed into place when complete,
  under a lock: concurrent commands build it once, and an interrupted build leaves no half store.
* **First use of a big file.** Writing a store costs 2.5–3× a load in memory (RocksDB and the
  name index), so for a file of at least :data:`BACKGROUND_BYTES` the first query is answered from
  a load in memory (:func:`ready_file_store` says whether a store is there) and
  :func:`write_in_background` leaves the writing to a detached, lower-priority process
  (``python -m harbin_kg.graph.diskstore FILE``), which writes it exactly as above.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

import pyoxigraph as ox

from ..writing import exclusive_lock

__all__ = ["CACHE_ENV", "MIN_BYTES", "BACKGROUND_BYTES", "cache_root", "clear_cache", "file_key", "is_bundled",
           "open_file_store", "open_store", "StoreFolder", "ready_file_store", "writes_in_background",
           "write_in_background"]

CACHE_ENV = "HARBIN_KG_STORE_CACHE"
MIN_BYTES = 8 * 1024 * 1024  # HARBIN_KG_STORE_MIN_BYTES overrides it
BACKGROUND_BYTES = 8 * 1024 * 1024  # HARBIN_KG_STORE_BACKGROUND_BYTES overrides it
RACY_SECONDS = 2.0
#: In the key: a store written by another layout or another Oxigraph storage version is not reused.
LAYOUT = f"v1-ox{'.'.join(ox.__version__.split('.')[:2])}"


class StoreFolder:
    """An opened cached store: the read-only pyoxigraph Store and the path of its name index."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.store = ox.Store.read_only(str(folder / "store"))
        self.names_path = folder / "names.sqlite"


def cache_root() -> Path | None:
    """The folder that holds the cached stores, or None when the cache is switched off."""
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        return None if chosen.strip().lower() in ("off", "0", "no", "false") else Path(chosen)
    from .paths import cache_dir as _cache_dir
    from .paths import project_paths

    # build/ in a checkout (beside the built graph), else the user's cache folder for harbin-kg.
    base = _cache_dir(project_paths())
    return base / "cache" / "stores" if base.name == "build" else base / "stores"


def min_bytes() -> int:
    try:
        return int(os.environ.get("HARBIN_KG_STORE_MIN_BYTES", MIN_BYTES))
    except ValueError:
        return MIN_BYTES


def is_bundled(path: Path) -> bool:
    """True for the built bundled graph (the command line passes its path): it always gets a
    ready on-disk store, whatever its size."""
    from .paths import default_out_dir

    out = default_out_dir()
    try:
        return Path(path).resolve() in {(out / name).resolve() for name in ("harbin.ttl", "harbin.nt")}
    except OSError:
        return False


def open_store(path: Path) -> ox.Store:
    """The graph file as a pyoxigraph Store: its cached on-disk store (read-only) for the
    bundled graph and large files, else a fresh in-memory load."""
    from .store import load_store

    cached = open_file_store(path, force=is_bundled(path))
    return cached.store if cached is not None else load_store(path)


def clear_cache() -> list[Path]:
    """Delete every cached store (and the remembered hashes); the folders removed."""
    root = cache_root()
    if root is None or not root.is_dir():
        return []
    removed = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def file_key(path: Path, root: Path) -> str:
    """The cache key of ``path``: layout, format and SHA-256 of its bytes (remembered per stat)."""
    path = Path(path)
    stat = path.stat()
    signature = {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "ino": stat.st_ino, "dev": stat.st_dev}
    memo = root / "hashes" / (hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:32] + ".json")
    try:
        saved = json.loads(memo.read_text(encoding="utf-8"))
        if (saved.get("signature") == signature
                and saved.get("hashed_at", 0) - stat.st_mtime_ns / 1e9 > RACY_SECONDS):
            return saved["key"]
    except (OSError, ValueError):
        pass
    hashed_at = time.time()
    key = f"{LAYOUT}-{path.suffix.lower().lstrip('.')}-{_sha256(path)[:40]}"
    try:
        memo.parent.mkdir(parents=True, exist_ok=True)
        _atomic_write(memo, json.dumps({"path": str(path.resolve()), "signature": signature,
                                        "hashed_at": hashed_at, "key": key}))
    except OSError:
        pass  # a read-only cache still works; the hash is only computed again next time
    return key


def _atomic_write(path: Path, text: str) -> None:
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=path.suffix)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write(text)
    os.replace(tmp, path)


def open_file_store(path: Path, *, force: bool = False) -> StoreFolder | None:
    """The cached store of the graph file ``path`` (written first if missing), or None when the
    cache is off, the file is smaller than :data:`MIN_BYTES` (unless ``force``), or the cache
    folder cannot be written. Raises DataError for a file that does not load."""
    from .store import check_graph_file

    root = cache_root()
    path = check_graph_file(Path(path))
    if root is None or (not force and path.stat().st_size < min_bytes()):
        return None
    try:
        root.mkdir(parents=True, exist_ok=True)
        key = file_key(path, root)
    except OSError:
        return None
    folder = root / key
    if (folder / "complete").exists():
        return StoreFolder(folder)
    with ExitStack() as stack:
        try:
            stack.enter_context(exclusive_lock(root / f".{key}.lock"))
        except OSError:
            return None
        # Several commands may ask at once: one writes, the others wait and then open it.
        if not (folder / "complete").exists():
            _write_store_folder(path, folder)
    return StoreFolder(folder)


def _write_store_folder(path: Path, folder: Path) -> None:
    """Parse ``path`` strictly into a new store folder, then rename it into place."""
    from .store import load_into
    from .store_names import write_name_index

    tmp = Path(tempfile.mkdtemp(dir=folder.parent, prefix=f".tmp-{folder.name}-"))
    try:
        store = ox.Store(str(tmp / "store"))
        load_into(store, path)
        store.flush()
        store.optimize()
        write_name_index(store, tmp / "names.sqlite")
        del store  # closes the database before the folder moves
        (tmp / "complete").write_text(f"{path.resolve()}\n", encoding="utf-8")
        if folder.exists():  # an incomplete folder from a crash before the rename existed
            shutil.rmtree(folder)
        os.rename(tmp, folder)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


# ---------------------------------------------------------------- first use of a big file


def _size_setting(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, default))
    except ValueError:
        return default


def writes_in_background(path: Path) -> bool:
    """True when a missing store of the graph file ``path`` is left to a background writer: the
    cache is on and the file is at least :data:`MIN_BYTES` and :data:`BACKGROUND_BYTES`
    (``HARBIN_KG_STORE_BACKGROUND_BYTES``). A smaller file's store is written at once (it takes
    less than the load), and so is the bundled graph's (``build`` writes it right away)."""
    if cache_root() is None:
        return False
    try:
        size = Path(path).stat().st_size
    except OSError:
        return False  # the load reports the file's problem
    return size >= min_bytes() and size >= _size_setting("HARBIN_KG_STORE_BACKGROUND_BYTES", BACKGROUND_BYTES)


def ready_file_store(path: Path) -> StoreFolder | None:
    """The cached store of ``path`` if one is complete, without writing one (None otherwise)."""
    root = cache_root()
    if root is None:
        return None
    try:
        root.mkdir(parents=True, exist_ok=True)
        folder = root / file_key(Path(path), root)
    except OSError:
        return None
    return StoreFolder(folder) if (folder / "complete").exists() else None


def write_in_background(path: Path) -> bool:
    """Start a detached process that writes the store of ``path`` (:func:`open_file_store`: the
    same checks, lock and atomic rename), at a lower priority; True if it started. Its failure
    costs nothing but the store: the next command answers from memory and starts another."""
    import subprocess
    import sys

    _WRITERS[:] = [writer for writer in _WRITERS if writer.poll() is None]  # reap the finished ones
    try:
        _WRITERS.append(subprocess.Popen(
            [sys.executable, "-m", "harbin_kg.graph.diskstore", str(Path(path).resolve())],
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
            start_new_session=True, close_fds=True))
    except OSError:
        return False
    return True


# Writers started by this process, kept so that a long-lived process (a notebook, the server)
# reaps them; a command exits long before its writer, which then simply outlives it.
_WRITERS: list = []


def _main(argv: list[str]) -> int:
    """``python -m harbin_kg.graph.diskstore FILE``: write the store of FILE (the background writer)."""
    try:
        os.nice(10)  # the user's next commands come first
    except (AttributeError, OSError):
        pass
    try:
        return 0 if open_file_store(Path(argv[0])) is not None else 1
    except Exception:  # nobody reads this process's output: the next command tries again
        return 1


if __name__ == "__main__":
    import sys

    sys.exit(_main(sys.argv[1:]))
