"""`python -m bot restore FILE`: a backup back in place, and nobody who asked to be erased
comes back with it.

The bot must be stopped (the command takes the database's lock). The backup is decrypted if
it is (an `age` identity file), checked, and put in place of the database, which is saved
first in the backup folder; its schema is brought up to date; then every erasure and
withdrawal the ledger recorded since the backup was taken (bot/core/ledger.py) is applied
again, and the retention too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.core.backup import BackupError, decrypt, is_encrypted, make_private_folder, write_backup
from bot.core.reliability import integrity_of_file
from bot.core.services import open_store
from bot.core.settings import Settings
from bot.core.store import StoreError, utcnow
from bot.maintenance.rules import cutoff

BEFORE_RESTORE = "before-restore"


def taken_at(path: Path) -> datetime | None:
    """When the backup was taken: recorded in it (bot_state's `backup_at`), else its last
    event (a backup written before the stamp existed), else unknown (None)."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = {r[0] for r in connection.execute("SELECT name FROM sqlite_master")}
        if "bot_state" in tables:
            row = connection.execute(
                "SELECT value FROM bot_state WHERE key = 'backup_at'"
            ).fetchone()
            if row:
                return datetime.fromtimestamp(int(row[0]), UTC)
        if "events" in tables:
            row = connection.execute("SELECT max(at) FROM events").fetchone()
            if row and row[0]:
                return datetime.fromisoformat(row[0])
        return None
    finally:
        connection.close()


def restore(settings: Settings, source: Path, *, identity: Path | None) -> str:
    """Restore `source` over the database; a summary for the terminal. Raises BackupError."""
    if not source.is_file():
        raise BackupError(f"{source} is not a file")
    database = settings.database
    plan = settings.backup_plan
    make_private_folder(database.parent)
    work = database.with_name(database.name + ".restoring")
    work.unlink(missing_ok=True)
    try:
        if is_encrypted(source):
            if identity is None:
                raise BackupError(
                    f"{source} is encrypted: give the age identity file with --identity FILE"
                )
            decrypt(source, work, identity)
        else:
            shutil.copyfile(source, work)
            os.chmod(work, 0o600)
        verdict = integrity_of_file(work)
        if verdict != "ok":
            raise BackupError(f"{source} failed its integrity check: {verdict}")
        since = taken_at(work)
        saved = _save_current(settings) if database.exists() else None
        for suffix in ("-wal", "-shm", ""):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
        os.replace(work, database)
    except OSError as error:
        raise BackupError(f"cannot restore {source}: {error}") from error
    finally:
        work.unlink(missing_ok=True)
    try:
        store = open_store(database, backups=plan)
    except StoreError as error:
        raise BackupError(str(error)) from error
    try:
        verdict = store.integrity_check()
        if verdict != "ok":
            raise BackupError(f"the restored database failed its integrity check: {verdict}")
        entries = store.ledger.entries(since=since) if store.ledger else []
        erased, withdrawn = store.reapply_erasures(entries)
        purged = store.purge(before=cutoff(utcnow(), settings.retention_months))
    finally:
        store.close()
    lines = [
        f"Restored {source} (taken {since:%Y-%m-%d %H:%M} UTC)."
        if since
        else f"Restored {source}.",
        f"Erased again: {erased} person(s); withdrawn again: {withdrawn} application(s); "
        f"past the retention: {purged} application(s).",
    ]
    if saved is not None:
        lines.append(f"The database it replaced is saved as {saved}.")
    return "\n".join(lines)


def _save_current(settings: Settings) -> Path | None:
    try:
        current = open_store(settings.database, backups=settings.backup_plan)
    except StoreError:
        return None  # unreadable: nothing worth keeping
    try:
        return write_backup(
            current.db.conn, settings.backup_plan, taken_at=utcnow(), label=BEFORE_RESTORE
        )
    finally:
        current.close()
