"""Issue 22: someone is told when it breaks. An error while handling an update, a failed job,
the database replaced under the bot, a disk nearly full: a short message to the operators
(`TREMPLIN_OPERATOR_IDS`, else the staff), the same kind at most once every ten minutes,
never with what a person typed."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core.settings import Settings
from localapi import LocalBotApi
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, Clock, make_settings

OPERATOR = 4242


async def run_job(bot: Bot, name: str) -> None:
    job = bot.application.job_queue.get_jobs_by_name(name)[0]  # type: ignore[attr-defined]
    await job.run(bot.application)


def alerts(bot: Bot, chat_id: int = STAFF_ID) -> list[str]:
    return [m.text for m in bot.api.bot_messages(chat_id) if m.text.startswith("⚠️ Tremplin")]


async def test_an_error_is_told_once_in_ten_minutes_without_what_was_typed(bot: Bot) -> None:
    chat = bot.chat()
    bot.api.fail("sendMessage", code=400, description="Bad Request: boom", times=1)
    await chat.send("Je m'appelle Zanzibar")
    (alert,) = alerts(bot)
    assert alert.startswith("⚠️ Tremplin : erreur BadRequest pendant une mise à jour (bot/")
    assert "Zanzibar" not in alert and "boom" not in alert
    # The person was told kindly, by the journey's own error handler.
    assert "j'ai eu un problème" in bot.api.last(CANDIDATE_ID).text
    bot.api.fail("sendMessage", code=400, description="Bad Request: boom", times=1)
    await chat.send("encore")
    assert len(alerts(bot)) == 1  # the same kind, within ten minutes
    bot.clock.advance(minutes=11)
    bot.api.fail("sendMessage", code=400, description="Bad Request: boom", times=1)
    await chat.send("encore")
    assert len(alerts(bot)) == 2


async def test_a_failed_job_is_told(bot: Bot) -> None:
    bot.store.db.conn.close()  # a database that can no longer be read
    await run_job(bot, "purge")
    (alert,) = alerts(bot)
    assert alert.startswith("⚠️ Tremplin : la tâche « purge » a échoué (ProgrammingError, bot/")


async def test_a_database_that_refuses_writes_is_told(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    bot.store.db.execute("PRAGMA query_only = ON").fetchall()  # as a read-only file or full disk
    await chat.tap("26 à 49 ans")
    assert "Je n'arrive pas à enregistrer" in chat.last.text
    (alert,) = alerts(bot)
    assert alert.startswith("⚠️ Tremplin : erreur OperationalError pendant une mise à jour")
    assert "La base de données a refusé une lecture ou une écriture" in alert


async def alerting_bot(tmp_path: Path, **extra: str) -> Bot:
    settings = make_settings(tmp_path, TREMPLIN_OPERATOR_IDS=str(OPERATOR), **extra)
    bot = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    bot.api.known_chat(STAFF_ID)
    bot.api.known_chat(OPERATOR)
    await bot.start()
    return bot


async def test_a_replaced_database_is_told_to_the_operators_not_the_staff(tmp_path: Path) -> None:
    bot = await alerting_bot(tmp_path)
    try:
        database = Path(bot.settings.database)
        await run_job(bot, "database-watch")
        assert alerts(bot, OPERATOR) == []  # all is well
        shutil.copyfile(database, tmp_path / "other.sqlite3")
        (tmp_path / "other.sqlite3").replace(database)
        await run_job(bot, "database-watch")
        (alert,) = alerts(bot, OPERATOR)
        assert "a été remplacé par un autre fichier" in alert and "s'arrête" in alert
        assert alerts(bot, STAFF_ID) == []
    finally:
        await bot.stop()


async def test_a_disk_nearly_full_is_told(tmp_path: Path) -> None:
    bot = await alerting_bot(tmp_path, TREMPLIN_DISK_MIN_FREE_MB="10000000")
    try:
        await run_job(bot, "database-watch")
        (alert,) = alerts(bot, OPERATOR)
        assert "Mo libres sur le disque de la base" in alert
    finally:
        await bot.stop()


def test_operators_default_to_the_staff_chat_then_the_staff(settings: Settings) -> None:
    from bot.core.settings import load_settings

    assert settings.operators == (STAFF_ID,)
    with_chat = load_settings({"TREMPLIN_STAFF_IDS": "900", "TREMPLIN_STAFF_CHAT_ID": "-100123"})
    assert with_chat.operators == (-100123,)
    chosen = load_settings({"TREMPLIN_STAFF_IDS": "900", "TREMPLIN_OPERATOR_IDS": "5, -42"})
    assert chosen.operators == (-42, 5)
