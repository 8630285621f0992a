"""Issue 22: backups by themselves. The bot's daily backup is checked, readable by its owner
only and rotated (7 daily, 4 weekly, 6 monthly by default); a failed one is told to the
operators; a backup is taken before any migration, and a database of the oldest schema is
upgraded with that backup first."""

from __future__ import annotations

import os
import sqlite3
import stat
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.core.settings import Settings
from bot.maintenance.rules import backups_to_keep
from bot.store import migrations
from localapi import LocalBotApi
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.journeys import file_application, nadia

FIRST_MIGRATION = "0001_users_conversations_applications_events"


def test_the_rotation_keeps_7_daily_4_weekly_6_monthly() -> None:
    now = datetime(2026, 12, 6, 3, 0, tzinfo=UTC)
    every_day = [now - timedelta(days=n) for n in range(400)]
    kept = backups_to_keep(every_day, daily=7, weekly=4, monthly=6)
    assert set(every_day[:7]) <= kept  # the last seven days
    assert min(kept) >= now - timedelta(days=6 * 31)  # nothing older than six months
    months = {(t.year, t.month) for t in kept}
    assert len(months) == 6
    weeks = {tuple(t.isocalendar())[:2] for t in kept}
    assert len(weeks) >= 4
    assert len(kept) <= 7 + 4 + 6
    assert backups_to_keep(every_day, daily=0, weekly=0, monthly=0) == {now}  # the newest


async def run_job(bot: Bot, name: str) -> None:
    job = bot.application.job_queue.get_jobs_by_name(name)[0]  # type: ignore[attr-defined]
    await job.run(bot.application)


def files(folder: Path) -> list[Path]:
    return sorted(folder.glob("tremplin-*"))


async def test_the_daily_backup_is_checked_private_and_rotated(
    bot: Bot, settings: Settings
) -> None:
    await file_application(bot.chat())
    folder = Path(settings.database).parent / "backups"
    await run_job(bot, "backup")
    (first,) = files(folder)
    assert stat.S_IMODE(os.stat(first).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700
    copy = sqlite3.connect(first)
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert copy.execute("SELECT last_name FROM applications").fetchall() == [("Diallo",)]
    copy.close()
    await run_job(bot, "backup")  # the job runs every hour: one backup a day
    assert files(folder) == [first]
    for _ in range(60):
        bot.clock.advance(days=1)
        await run_job(bot, "backup")
    kept = files(folder)
    assert first not in kept  # rotated away
    assert 7 <= len(kept) <= 7 + 4 + 6
    assert all(stat.S_IMODE(os.stat(p).st_mode) == 0o600 for p in kept)


async def test_a_failed_backup_is_told_to_the_operators(tmp_path: Path) -> None:
    (tmp_path / "not-a-folder").write_text("x")
    settings = make_settings(tmp_path, TREMPLIN_BACKUP_DIR=str(tmp_path / "not-a-folder"))
    bot = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    bot.api.known_chat(STAFF_ID)
    await bot.start()
    try:
        await run_job(bot, "backup")
        (alert,) = [m.text for m in bot.api.bot_messages(STAFF_ID)]
        assert alert.startswith("⚠️ Tremplin : la sauvegarde a échoué")
    finally:
        await bot.stop()


def oldest_schema(path: Path) -> None:
    """A database as the first release left it, with one filed application."""
    from sqlite_utils import Database

    db = Database(sqlite3.connect(path))
    migrations.apply(db, stop_before=[m.name for m in migrations.pending(db)][1:])
    assert [m.name for m in migrations.applied(db)] == [FIRST_MIGRATION]
    at = "2026-03-01T09:00:00+00:00"
    db.execute("INSERT INTO users (id, created_at) VALUES (1001, ?)", [at])
    db.execute(
        "INSERT INTO applications (user_id, reference, state, first_name, last_name, phone, "
        "verdict, created_at, updated_at, filed_at, last_contact_at) "
        "VALUES (1001, 'IS-2026-0001', 'nouvelle', 'Awa', 'Diallo', '+33612345678', "
        "'probable', ?, ?, ?, ?)",
        [at, at, at, at],
    )
    db.conn.commit()
    db.close()


async def test_upgrade_from_the_oldest_schema_takes_a_backup_first(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    oldest_schema(Path(settings.database))
    bot = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    bot.api.known_chat(STAFF_ID)
    await bot.start()  # migrates
    try:
        (backup,) = files(tmp_path / "backups")
        assert backup.name.endswith("-before-migration.sqlite3")
        copy = sqlite3.connect(backup)
        assert copy.execute("SELECT name FROM _sqlite_migrations").fetchall() == [
            (FIRST_MIGRATION,)
        ]
        copy.close()
        assert bot.store.applied_migrations() == [m.name for m in migrations._migrations]
        staff = nadia(bot)
        await staff.send("/cherche Diallo")
        assert "Awa Diallo" in staff.last.text
        await bot.restart()  # nothing to migrate: no other backup
        assert len(files(tmp_path / "backups")) == 1
    finally:
        await bot.stop()


def test_a_fresh_database_needs_no_backup(tmp_path: Path) -> None:
    from bot.store import Store

    Store.open(tmp_path / "new.sqlite3").close()
    assert not (tmp_path / "backups").exists()
