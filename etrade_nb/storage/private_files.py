"""Files only their owner may read: 0700 directories, 0600 files, atomic writes.

A file or directory that others can read, or that belongs to someone else, is refused
rather than silently used: it may have been tampered with or leaked already.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import stat
from collections.abc import Iterator
from pathlib import Path

from ..errors import TokenCacheError


def _check_owner_and_mode(st: os.stat_result, path: Path, *, kind: str, mode: int) -> None:
    if hasattr(os, "geteuid") and st.st_uid != os.geteuid():
        raise TokenCacheError(
            f"The {kind} {path} belongs to another user, so etrade-nb will not use it. "
            f"Delete it (or fix its owner) and log in again."
        )
    if stat.S_IMODE(st.st_mode) & 0o077:
        raise TokenCacheError(
            f"The {kind} {path} can be read by other users (mode "
            f"{stat.S_IMODE(st.st_mode):04o}). Run `chmod {mode:o} '{path}'`, or delete it "
            f"and log in again."
        )


def check_private_dir(path: Path) -> None:
    """Refuse a directory that is a symlink, not ours, or open to other users."""
    try:
        st = path.lstat()
    except OSError as exc:
        raise TokenCacheError(f"Cannot read {path} ({exc.strerror}).") from None
    if stat.S_ISLNK(st.st_mode):
        raise TokenCacheError(
            f"{path} is a symbolic link. Point ETRADE_NB_TOKEN_DIR at the real directory "
            "(etrade-nb does not follow links for private files)."
        )
    if not stat.S_ISDIR(st.st_mode):
        raise TokenCacheError(f"{path} is not a directory. Remove it and try again.")
    if os.name == "posix":
        _check_owner_and_mode(st, path, kind="directory", mode=0o700)


@contextlib.contextmanager
def locked(directory: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``directory/.lock`` (POSIX; elsewhere a no-op).

    The folder is opened without following links and checked (owner, 0700) through that
    handle, and the lock file is created relative to it: never inside someone else's folder.
    """
    if os.name != "posix":
        yield
        return
    try:
        dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW)
    except OSError:
        check_private_dir(directory)  # says why (a link, not a folder, unreadable)
        raise TokenCacheError(f"Cannot open the folder {directory}.") from None
    try:
        _check_owner_and_mode(os.fstat(dfd), directory, kind="directory", mode=0o700)
        flags = os.O_CREAT | os.O_RDWR | os.O_NOFOLLOW
        try:
            fd = os.open(".lock", flags, 0o600, dir_fd=dfd)
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot lock {directory} ({exc.strerror}). Set ETRADE_NB_TOKEN_CACHE=memory."
            ) from None
    finally:
        os.close(dfd)
    try:
        _flock_within(fd, directory, LOCK_TIMEOUT)
        yield
    finally:
        os.close(fd)  # closing releases the lock


LOCK_TIMEOUT = 3.0
"""Seconds to wait for another process's lock on the cache; then the cache is skipped."""


def _flock_within(fd: int, directory: Path, timeout: float) -> None:
    """``flock(LOCK_EX)`` on ``fd``, giving up after ``timeout`` seconds.

    flock has no timeout of its own and the holder sends no event, so the lock is tried
    without blocking at growing intervals (1 ms to 50 ms): a kernel holds it for
    milliseconds, a stuck process forever.
    """
    import fcntl
    import time

    deadline = time.monotonic() + timeout
    pause = 0.001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= deadline:
                raise TokenCacheError(
                    f"The token cache {directory} is locked by another process (for over "
                    f"{timeout:g} s), so it was skipped. Close other kernels or processes "
                    "using it, or set ETRADE_NB_TOKEN_CACHE=memory."
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.05)


def ensure_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) with mode 0700, or check that it is already private."""
    if not path.is_symlink():
        try:
            path.mkdir(mode=0o700, parents=True, exist_ok=True)
        except OSError as exc:
            raise TokenCacheError(
                f"Cannot create the private folder {path} ({exc.strerror}). Set "
                "ETRADE_NB_TOKEN_DIR to a folder you can write, or ETRADE_NB_TOKEN_CACHE=memory."
            ) from None
    check_private_dir(path)
    return path


def write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` atomically with mode 0600 in a private directory."""
    ensure_private_dir(path.parent)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    flags = os.O_CREAT | os.O_WRONLY | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(tmp, flags, 0o600)
    except OSError as exc:
        raise TokenCacheError(
            f"Cannot write {path} ({exc.strerror}). Set ETRADE_NB_TOKEN_DIR to a folder you "
            "can write, or ETRADE_NB_TOKEN_CACHE=memory."
        ) from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise TokenCacheError(
                f"Cannot write {path} ({exc.strerror}). Free some disk space or set "
                "ETRADE_NB_TOKEN_CACHE=memory."
            ) from None
        raise


MAX_PRIVATE_FILE = 64 * 1024
"""A token or credentials file is a few hundred bytes; a larger one is refused unread."""


def read_private(path: Path, *, kind: str = "token file") -> bytes | None:
    """The bytes of ``path``, ``None`` if it does not exist.

    Refuses loose permissions, anything but a regular file (a folder, or a FIFO, which is
    opened without blocking so it cannot hang) and a file over :data:`MAX_PRIVATE_FILE`.
    """
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise TokenCacheError(
            f"Cannot open the {kind} {path} ({exc.strerror}). Delete it and log in again."
        ) from None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            what = "a folder" if stat.S_ISDIR(st.st_mode) else "not a regular file"
            raise TokenCacheError(
                f"The {kind} {path} is {what}. Remove it (rm -r '{path}') and log in again."
            )
        if st.st_size > MAX_PRIVATE_FILE:
            raise TokenCacheError(
                f"The {kind} {path} is {st.st_size} bytes, far more than a {kind} holds "
                f"(at most {MAX_PRIVATE_FILE}). Delete it and log in again."
            )
        if os.name == "posix":
            _check_owner_and_mode(st, path, kind=kind, mode=0o600)
        chunks, size = [], 0
        while chunk := os.read(fd, MAX_PRIVATE_FILE + 1 - size):  # bounded if it grew
            chunks.append(chunk)
            size += len(chunk)
            if size > MAX_PRIVATE_FILE:
                raise TokenCacheError(
                    f"The {kind} {path} is too large. Delete it and log in again."
                )
        return b"".join(chunks)
    finally:
        os.close(fd)
