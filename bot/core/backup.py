"""Writing one backup: SQLite's online backup API, checked, optionally encrypted, mode 0600.

`write_backup` copies the open database into a file beside the target, runs
`PRAGMA integrity_check` on the copy, records in it when it was taken (`bot_state`'s
`backup_at`, read by a restore to know which erasures came later), encrypts it to an `age`
public key when one is given, and only then gives it its final name. The daily job and its
rotation are in `bot/maintenance/backups.py`; a backup before a migration is taken by
`StoreBase.open`.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

AGE_MAGIC = b"age-encryption.org/v1"
PREFIX = "tremplin-"
BEFORE_MIGRATION = "before-migration"


class BackupError(RuntimeError):
    """The backup could not be written or is not sound (the message says why)."""


@dataclass(frozen=True, slots=True)
class BackupPlan:
    """Where backups go and how they are protected (from the settings)."""

    folder: Path
    age_recipient: str | None = None


def backup_name(taken_at: datetime, *, label: str = "", encrypted: bool = False) -> str:
    stamp = taken_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    return f"{PREFIX}{stamp}{'-' + label if label else ''}.sqlite3{'.age' if encrypted else ''}"


def make_private_folder(folder: Path) -> None:
    """Create the folder (and its parents) readable by the bot's user only."""
    if not folder.is_dir():
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(folder, 0o700)


def is_encrypted(path: Path) -> bool:
    with path.open("rb") as file:
        return file.read(len(AGE_MAGIC)) == AGE_MAGIC


def write_backup(
    source: sqlite3.Connection,
    plan: BackupPlan,
    *,
    taken_at: datetime,
    label: str = "",
    target: Path | None = None,
) -> Path:
    """Write a checked backup of `source` into `plan.folder` (or to `target`); its path."""
    encrypted = plan.age_recipient is not None
    if target is None:
        target = plan.folder / backup_name(taken_at, label=label, encrypted=encrypted)
    partial = target.with_name(target.name + ".partial")
    plain = partial.with_name(partial.name + ".sqlite3") if encrypted else partial
    try:
        make_private_folder(target.parent)
        for path in (partial, plain):
            path.unlink(missing_ok=True)
        fd = os.open(plain, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.close(fd)
        copy = sqlite3.connect(str(plain))
        try:
            with copy:
                source.backup(copy)
            _stamp(copy, taken_at)
            verdict = str(copy.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            copy.close()
        if verdict != "ok":
            raise BackupError(f"the copy failed its integrity check ({verdict})")
        if plan.age_recipient is not None:
            _encrypt(plain, partial, plan.age_recipient)
            plain.unlink()
        os.chmod(partial, 0o600)
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as error:
        raise BackupError(f"cannot write the backup {str(target)!r}: {error}") from error
    finally:
        for path in (partial, plain):
            with contextlib.suppress(OSError):
                path.unlink(missing_ok=True)
    return target


def _stamp(copy: sqlite3.Connection, taken_at: datetime) -> None:
    """When the backup was taken, in the copy itself (a schema without bot_state: nothing)."""
    has_state = copy.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bot_state'"
    ).fetchone()
    if has_state:
        with copy:
            copy.execute(
                "INSERT INTO bot_state (key, value) VALUES ('backup_at', ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [int(taken_at.timestamp())],
            )


def _encrypt(plain: Path, target: Path, recipient: str) -> None:
    import pyrage  # type: ignore[import-untyped]

    try:
        key = pyrage.x25519.Recipient.from_str(recipient)
        data = pyrage.encrypt(plain.read_bytes(), [key])
    except (pyrage.RecipientError, pyrage.EncryptError) as error:
        raise BackupError(f"cannot encrypt the backup: {error}") from error
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())


def decrypt(source: Path, target: Path, identity_file: Path) -> None:
    """Decrypt an `age` backup with the identity file (`AGE-SECRET-KEY-1…` lines)."""
    import pyrage

    try:
        keys = [
            pyrage.x25519.Identity.from_str(line.strip())
            for line in identity_file.read_text().splitlines()
            if line.strip().startswith("AGE-SECRET-KEY-")
        ]
        if not keys:
            raise BackupError(f"{identity_file} holds no age identity (AGE-SECRET-KEY-1…)")
        data = pyrage.decrypt(source.read_bytes(), keys)
    except (pyrage.IdentityError, pyrage.DecryptError) as error:
        raise BackupError(f"cannot decrypt {source}: {error}") from error
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(data)
