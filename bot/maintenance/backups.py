"""Backups by themselves: the daily backup and its rotation (`TREMPLIN_BACKUP_DIR`, by
default `backups/` beside the database).

Every hour the job looks at the newest backup; when it is a day old (or there is none) it
writes a new one (bot/core/backup.py: online, checked, 0600, encrypted to
`TREMPLIN_BACKUP_AGE_RECIPIENT` when set) and deletes those the rotation no longer keeps
(`TREMPLIN_BACKUP_DAILY`, `_WEEKLY`, `_MONTHLY`: 7, 4, 6). A failure is told to the
operators."""

from __future__ import annotations

import logging
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from telegram.ext import Application, ContextTypes

from bot.core.backup import BEFORE_MIGRATION, BackupError, write_backup
from bot.core.jobs import run_repeating
from bot.core.services import services
from bot.core.settings import Settings
from bot.core.store import StoreBase
from bot.maintenance.alerts import alert
from bot.maintenance.rules import backups_to_keep

log = logging.getLogger(__name__)

BACKUP_JOB = "backup"
DUE_AFTER = timedelta(hours=23)
_NAME = re.compile(r"tremplin-(\d{8}T\d{6}Z)(-[a-z-]+)?\.sqlite3(\.age)?")


def backups(folder: Path) -> list[tuple[datetime, Path]]:
    """The backups in the folder (by their names), oldest first."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.fullmatch(path.name)
        if match:
            taken = datetime.strptime(match[1], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            found.append((taken, path))
    return sorted(found)


def last_backup(settings: Settings) -> datetime | None:
    found = backups(settings.backup_plan.folder)
    return found[-1][0] if found else None


def take(store: StoreBase, settings: Settings, now: datetime) -> Path:
    """Write one backup now, then apply the rotation. Raises BackupError."""
    path = write_backup(store.db.conn, settings.backup_plan, taken_at=now)
    rotate(settings, now)
    return path


def rotate(settings: Settings, now: datetime) -> list[Path]:
    """Delete the backups the rotation does not keep; a backup taken before a migration is
    kept as long as a daily one. Returns those deleted."""
    found = backups(settings.backup_plan.folder)
    keep = backups_to_keep(
        (taken for taken, _ in found),
        daily=settings.backup_daily,
        weekly=settings.backup_weekly,
        monthly=settings.backup_monthly,
    )
    recent = now - timedelta(days=max(settings.backup_daily, 1))
    removed = []
    for taken, path in found:
        if taken in keep or (BEFORE_MIGRATION in path.name and taken >= recent):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


def schedule(application: Application) -> None:  # type: ignore[type-arg]
    run_repeating(application, backup_job, every=timedelta(hours=1), first=60, name=BACKUP_JOB)


async def backup_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    now = svc.clock()
    last = last_backup(svc.settings)
    if last is not None and now - last < DUE_AFTER:
        return
    try:
        path = take(svc.store, svc.settings, now)
    except (BackupError, OSError) as error:
        log.error("backup failed: %s", error)
        await alert(context, "backup", f"la sauvegarde a échoué : {error}")
        return
    log.info("backup written to %s", path)
