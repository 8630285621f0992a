"""RGPD retention (purge) and online backups."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

from bot.core.settings import Settings
from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import PROBABLE, file_application, play


def _cli(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env["TREMPLIN_DATABASE"] = str(settings.database)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=Path(settings.database).parent,
        timeout=60,
    )


def _age(settings: Settings, months: int) -> None:
    """Make every application look untouched for `months` months."""
    connection = sqlite3.connect(settings.database)
    with connection:
        connection.execute(
            "UPDATE applications SET last_contact_at = datetime(last_contact_at, ?)",
            [f"-{months} months"],
        )
    connection.close()


async def test_purge_dry_run_lists_then_purge_deletes(bot: Bot, settings: Settings) -> None:
    await file_application(bot.chat())
    other = bot.chat(user_id=2002, first_name="Binta")
    await other.send("/start")
    await play(other, PROBABLE[:3])
    assert _cli(settings, "purge", "--dry-run").stdout.startswith("0 application")
    _age(settings, 25)
    dry = _cli(settings, "purge", "--dry-run")
    assert dry.returncode == 0
    assert "IS-2026-0001\tnouvelle" in dry.stdout
    assert "(brouillon)\tbrouillon" in dry.stdout
    assert "2 application(s) would be deleted" in dry.stdout
    assert "Awa" not in dry.stdout and "Diallo" not in dry.stdout
    assert len(bot.store.applications_of(CANDIDATE_ID)) == 1
    done = _cli(settings, "purge")
    assert "2 application(s) deleted" in done.stdout
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.applications_of(2002) == []
    assert bot.store.conversation(2002) is None
    assert [e["action"] for e in bot.store.events()].count("purged") == 2


async def test_daily_job_purges_old_applications_only(bot: Bot, settings: Settings) -> None:
    await file_application(bot.chat())
    recent = bot.chat(user_id=2002, first_name="Binta")
    bot.clock.advance(days=700)
    await file_application(recent)
    bot.clock.advance(days=60)  # the first is now 25 months old, the second 2 months
    job = bot.application.job_queue.get_jobs_by_name("purge")[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert len(bot.store.applications_of(2002)) == 1


async def test_backup_while_the_bot_runs_and_check(bot: Bot, settings: Settings) -> None:
    await file_application(bot.chat())
    target = Path(settings.database).parent / "copies" / "tremplin-backup.sqlite3"
    result = _cli(settings, "backup", str(target))
    assert result.returncode == 0, result.stderr
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT reference, first_name FROM applications").fetchall() == [
        ("IS-2026-0001", "Awa")
    ]
    copy.close()
    assert _cli(settings, "check", "--database", str(target)).returncode == 0
    again = _cli(settings, "backup", str(target))
    assert again.returncode == 2 and "already exists" in again.stdout


async def test_a_drafts_last_contact_follows_its_answers_day_by_day(bot: Bot) -> None:
    """The retention clock of a draft moves with the person's answers (once a day is enough
    for a clock counted in months)."""
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE[:2])
    first = bot.store.active_application(CANDIDATE_ID)
    assert first is not None
    bot.clock.advance(days=3)
    await play(chat, PROBABLE[2:3])
    later = bot.store.active_application(CANDIDATE_ID)
    assert later is not None and later.answers != first.answers
    assert later.last_contact_at > first.last_contact_at
    assert later.last_contact_at[:10] == bot.clock().isoformat()[:10]
