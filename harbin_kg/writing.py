"""Atomic file writes: a reader sees the old file or the new one, never half of one."""

import os
import tempfile
from pathlib import Path

from .errors import OutputError

__all__ = ["atomic_write_bytes", "atomic_write_text", "check_output_path"]


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
