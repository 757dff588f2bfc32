"""File writes: atomic for regular files, straight through for everything else.

A regular file is replaced atomically: the data goes to a hidden temporary
file beside it, is flushed to disk, then renamed over it, so an interrupted
run never leaves a half-written file (on any error, SIGINT or SIGTERM the
temporary file is removed and the target is left as it was). The new file
gets the permissions of the file it replaces, or, for a new file, those the
umask allows (``0666 & ~umask``), as any other program's output would.

Anything else is written to, never replaced: a symlink is followed to its
target, and a FIFO, ``/dev/null`` or another device is opened and written
like a shell's ``>`` would (replacing ``/dev/null`` by a regular file, as
root, would break the machine).
"""

from __future__ import annotations

import contextlib
import errno
import io
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any, BinaryIO

_PERMISSIONS = 0o777


class _NamedFile(io.FileIO):
    """A raw file whose write errors (a full disk, a closed pipe) name the file written."""

    def __init__(self, fd: int, shown: str) -> None:
        super().__init__(fd, "wb", closefd=True)
        self._shown = shown

    def write(self, data: Any, /) -> int:
        try:
            return super().write(data)
        except OSError as exc:
            exc.filename = self._shown
            raise


def current_umask() -> int:
    """The process's umask (read from /proc where there is one: setting it to read it races
    with other threads creating files)."""
    with contextlib.suppress(OSError, ValueError):
        for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _named(exc: OSError, shown: str) -> OSError:
    if exc.filename is None:
        exc.filename = shown
    return exc


@contextlib.contextmanager
def atomic_writer(path: Path) -> Iterator[BinaryIO]:
    """Yield a binary handle whose content replaces ``path`` only if the block succeeds.

    ``path`` may be a symlink (its target is written), a FIFO or a device
    (written to directly, never replaced); a directory is an error. Errors
    the operating system reports are OSErrors naming ``path``.
    """
    shown = str(path)
    target = Path(os.path.realpath(path))
    try:
        existing: os.stat_result | None = target.stat()
    except FileNotFoundError:
        existing = None
    except OSError as exc:
        raise _named(exc, shown) from None
    if existing is not None and stat.S_ISDIR(existing.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), shown)
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with _open_special(target, shown) as handle:
            yield handle
        return
    try:
        _make_parent(target.parent)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise _named(exc, shown) from None
    tmp = Path(tmp_name)
    try:
        with io.BufferedWriter(_NamedFile(fd, shown)) as handle:
            yield handle
            handle.flush()
            try:
                os.fsync(handle.fileno())
            except OSError as exc:
                raise _named(exc, shown) from None
        try:
            _copy_permissions(tmp, existing)
            os.replace(tmp, target)
        except OSError as exc:
            raise _named(exc, shown) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _make_parent(directory: Path) -> None:
    """Create the directory a file goes in; a file standing in the way is ENOTDIR, named."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        blocking = Path(exc.filename) if exc.filename else directory
        raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(blocking)) from None


@contextlib.contextmanager
def _open_special(target: Path, shown: str) -> Iterator[BinaryIO]:
    """A FIFO or device opened for writing as it is: not created, not truncated, not replaced."""
    try:
        fd = os.open(target, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        raise _named(exc, shown) from None
    with io.BufferedWriter(_NamedFile(fd, shown)) as handle:
        yield handle
        handle.flush()


def _copy_permissions(tmp: Path, replaced: os.stat_result | None) -> None:
    """The replaced file's permissions (and, best effort, owner), else what the umask allows."""
    if replaced is None:
        os.chmod(tmp, 0o666 & ~current_umask() & _PERMISSIONS)
        return
    os.chmod(tmp, stat.S_IMODE(replaced.st_mode) & _PERMISSIONS)
    if (replaced.st_uid, replaced.st_gid) != (os.geteuid(), os.getegid()):
        with contextlib.suppress(OSError):
            os.chown(tmp, replaced.st_uid, replaced.st_gid)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` atomically (or write it to a FIFO or device)."""
    with atomic_writer(path) as handle:
        handle.write(data)


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths name one existing file (through symlinks and hard links)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


__all__ = ("atomic_write_bytes", "atomic_writer", "current_umask", "same_file")
