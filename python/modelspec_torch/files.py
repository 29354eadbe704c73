"""Every file the engine writes goes through here (mirrors training/files.ts): a full
or read-only disk gives one message naming the path and the cause, a model file is written to
a temporary name, fsynced and renamed (whole or absent), and an event line is appended in one
write and cut off again if the disk fills part-way (whole or absent)."""
from __future__ import annotations

import errno
import io
import os
from typing import Callable, Optional


class DiskError(Exception):
    """A write that failed for a reason the user must fix (full, read-only, permissions)."""

    def __init__(self, message: str, path: str, code: Optional[int] = None):
        super().__init__(message)
        self.path, self.code = path, code


def _existing(path: str) -> str:
    while path and not os.path.exists(path) and os.path.dirname(path) != path:
        path = os.path.dirname(path)
    return path or '.'


def io_cause(e: OSError, directory: str) -> str:
    """'no space left on /x/runs: 0 bytes free; …', '/x/runs is on a read-only file system; …'."""
    code = e.errno
    if code in (errno.ENOSPC, errno.EDQUOT):
        free = ''
        try:
            s = os.statvfs(_existing(directory))
            free = f': {s.f_bavail * s.f_frsize:,} bytes free'
        except OSError:
            pass
        quota = ' (disk quota exceeded)' if code == errno.EDQUOT else ''
        return f'no space left on {directory}{free}{quota}; free some space or train with --out on another disk'
    if code == errno.EROFS:
        return f'{directory} is on a read-only file system; train with --out on a writable folder'
    if code in (errno.EACCES, errno.EPERM):
        return f'permission denied in {directory}; train with --out on a folder you can write'
    if code == errno.ENOENT:
        return f'{directory} does not exist (was it removed during the run?)'
    return e.strerror or str(e)


def disk_error(e: OSError, path: str, verb: str = 'write') -> DiskError:
    return DiskError(f'cannot {verb} {path}: {io_cause(e, os.path.dirname(path))}', path, e.errno)


def make_dirs(path: str) -> None:
    """os.makedirs that names the folder and the cause when it fails."""
    try:
        os.makedirs(path, exist_ok=True)
    except OSError as e:
        raise DiskError(f'cannot create {path}: {io_cause(e, os.path.dirname(path))}', path, e.errno) from e


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        n = os.write(fd, view)
        if n <= 0:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[n:]


def write_atomic(path: str, data: bytes) -> None:
    """Writes `path` whole or not at all: temporary file in the same folder, fsync, rename."""
    directory, name = os.path.split(path)
    tmp = os.path.join(directory, f'.{name}.{os.getpid()}.tmp')
    fd = None
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        _write_all(fd, data)
        os.fsync(fd)
        os.close(fd)
        fd = None
        os.replace(tmp, path)
    except OSError as e:
        if fd is not None:
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            os.remove(tmp)
        except OSError:
            pass
        raise disk_error(e, path) from e


def write_atomic_with(path: str, write: Callable[[io.BytesIO], None]) -> None:
    """`write(buffer)` fills an in-memory buffer (torch.save, np.savez), then write_atomic. No
    library writes to the disk itself, so a full disk is an error here, never a crash there."""
    buffer = io.BytesIO()
    write(buffer)
    write_atomic(path, buffer.getvalue())


def append_line(fd: int, path: str, data: bytes) -> None:
    """One write of one line to a file opened for appending; on failure the part written is cut
    off again, so the file never ends in half a line."""
    size = os.fstat(fd).st_size
    try:
        n = os.write(fd, data)
        if n != len(data):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    except OSError as e:
        try:
            os.ftruncate(fd, size)
        except OSError:
            pass
        raise disk_error(e, path) from e
