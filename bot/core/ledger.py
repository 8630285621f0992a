"""The erasure ledger: what a restore must erase again.

An erasure (`/supprimer`) or a withdrawal (`/retirer`) changes the database; a backup taken
before it still holds the person. So each one is also written to a small append-only file
beside the database, outside it and outside the backups (`<database>.erasures.log`), which
`python -m bot restore` reads to apply them again. The file identifies nobody: one line per
act, `<UTC time>\t<kind>\t<salted hash>`, the hash (HMAC-SHA256) of a Telegram user id or of
an application reference, under a salt kept in its own file (`<database>.salt`), never in a
backup. Both files are 0600.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ERASED_USER = "user"  # everything about a Telegram user id was erased
ERASED_APPLICATION = "application"  # an application (by reference) was erased with its person
WITHDRAWN = "withdrawn"  # the candidate withdrew the application (by reference)
KINDS = (ERASED_USER, ERASED_APPLICATION, WITHDRAWN)


@dataclass(frozen=True, slots=True)
class Entry:
    at: datetime
    kind: str
    digest: str


def ledger_path(database: Path) -> Path:
    return database.with_name(database.name + ".erasures.log")


def salt_path(database: Path) -> Path:
    return database.with_name(database.name + ".salt")


def _write_private(path: Path, data: bytes, *, append: bool) -> None:
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if append else os.O_EXCL)
    fd = os.open(path, flags, 0o600)
    try:
        os.fchmod(fd, 0o600)
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)


class Ledger:
    """The ledger of one database file."""

    def __init__(self, database: Path) -> None:
        self.path = ledger_path(database)
        self.salt_file = salt_path(database)
        self._salt: bytes | None = None

    def salt(self) -> bytes:
        if self._salt is None:
            if not self.salt_file.exists():
                with contextlib.suppress(FileExistsError):
                    _write_private(
                        self.salt_file, secrets.token_hex(32).encode() + b"\n", append=False
                    )
            self._salt = self.salt_file.read_bytes().strip()
        return self._salt

    def digest(self, kind: str, value: int | str) -> str:
        """The salted hash of a user id (`user`) or of an application reference."""
        name = "user" if kind == ERASED_USER else "reference"
        return hmac.new(self.salt(), f"{name}:{value}".encode(), hashlib.sha256).hexdigest()

    def record(self, at: datetime, items: Iterable[tuple[str, int | str]]) -> None:
        """Append one line per (kind, user id or reference), synced to disk."""
        lines = "".join(
            f"{at.isoformat(timespec='seconds')}\t{kind}\t{self.digest(kind, value)}\n"
            for kind, value in items
        )
        if lines:
            _write_private(self.path, lines.encode(), append=True)

    def entries(self, *, since: datetime | None = None) -> list[Entry]:
        """Every act recorded (at or after `since`), oldest first; a damaged line is skipped."""
        if not self.path.exists():
            return []
        found = []
        for line in self.path.read_text(encoding="utf-8", errors="replace").splitlines():
            parts = line.split("\t")
            if len(parts) != 3 or parts[1] not in KINDS:
                continue
            try:
                at = datetime.fromisoformat(parts[0])
            except ValueError:
                continue
            if since is None or at >= since:
                found.append(Entry(at, parts[1], parts[2]))
        return found
