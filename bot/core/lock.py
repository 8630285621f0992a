"""One copy of the bot per database: an exclusive lock on `<database>.lock`.

`python -m bot run` holds it for as long as it runs (the kernel releases it when the process
ends, even after a crash); a second `run`, or a `restore`, on the same database finds it
taken and stops, naming the process that holds it (its pid is written in the file).
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path


class DatabaseBusy(RuntimeError):
    """Another process holds the database's lock."""

    def __init__(self, database: Path, pid: str) -> None:
        self.pid = pid
        super().__init__(
            f"another copy of the bot (process {pid or '?'}) is using the database "
            f"{str(database)!r}; stop it first (systemctl stop tremplin, or kill {pid or 'it'})"
        )


def lock_path(database: Path) -> Path:
    return database.with_name(database.name + ".lock")


class DatabaseLock:
    """Held from `acquire()` until `release()` or the end of the process."""

    def __init__(self, database: Path) -> None:
        self.database = database
        self.path = lock_path(database)
        self._fd: int | None = None

    def acquire(self) -> DatabaseLock:
        """Take the lock now, or raise DatabaseBusy (never waits)."""
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            pid = os.pread(fd, 32, 0).decode(errors="replace").strip()
            os.close(fd)
            raise DatabaseBusy(self.database, pid) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        os.fchmod(fd, 0o600)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> DatabaseLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
