"""The staff's daily digest (issue #16), through the local Bot API: at its hour, with the
applications waiting for a decision as buttons that open their cards; nothing on a day with
nothing to say; once a day across a restart; the 45-day line; the card's 60-day ask and
"⏸ Garder en attente"; /stats' medians."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from bot.staff import digest as staff_digest
from bot.staff import digest_rules
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.journeys import file_as, nadia, reach_rendez_vous

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def at(day: int, month: int = 3, hour: int = 7, minute: int = 30) -> datetime:
    """A UTC moment in 2026 (07:30 UTC is 08:30 in Paris in winter)."""
    return datetime(2026, month, day, hour, minute, tzinfo=UTC)


async def run_digest(bot: Bot) -> None:
    (job,) = bot.application.job_queue.get_jobs_by_name(staff_digest.DIGEST_JOB)  # type: ignore[attr-defined]
    await job.run(bot.application)


def digests(bot: Bot, chat_id: int = STAFF_ID) -> list[str]:
    return [m.text for m in bot.api.bot_messages(chat_id) if m.text.startswith("☀️")]


async def test_the_digest_comes_at_its_hour_with_the_waiting_ones_as_buttons(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")  # Monday 2 March
    bot.clock.now = at(5)
    await file_as(bot, 2002, "Binta", "Camara")  # not waiting 7 days yet
    bot.clock.now = at(10, minute=29)  # 08:29 in Paris: not yet
    await run_digest(bot)
    assert digests(bot) == []
    bot.clock.now = at(10)
    await run_digest(bot)
    assert digests(bot) == [
        "☀️ Le point du jour, mardi 10 mars 2026\n"
        "⏳ 1 candidature(s) attendent une décision depuis plus de 7 jours.\n"
        "\n"
        "Touchez une candidature pour ouvrir sa fiche."
    ]
    staff = nadia(bot)
    assert staff.last.buttons() == ["IS-2026-0001 · Awa Diallo"]
    await staff.tap("IS-2026-0001 · Awa Diallo")
    assert staff.last.text.startswith("📋 Candidature IS-2026-0001 · Awa Diallo")
    assert "👀 À l'étude par Nadia" in staff.last.text
    # The next day: the new one since the last digest, and both waiting.
    bot.clock.now = at(11, hour=10)
    await file_as(bot, 2003, "Chloé", "Martin")
    bot.clock.now = at(12, minute=45)  # missed the 11th: said once, the 12th
    await run_digest(bot)
    text = digests(bot)[-1]
    assert "🆕 1 nouvelle(s) candidature(s) depuis le dernier point." in text
    assert "⏳ 2 candidature(s) attendent une décision depuis plus de 7 jours." in text
    assert staff.last.buttons() == ["IS-2026-0001 · Awa Diallo", "IS-2026-0002 · Binta Camara"]


async def test_nothing_is_sent_on_a_day_with_nothing_to_say(bot: Bot) -> None:
    await run_digest(bot)  # an empty database
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("❌ Refuser")
    await staff.tap("Pas de poste ouvert")
    before = len(bot.api.bot_messages(STAFF_ID))
    bot.clock.now = at(20)
    await run_digest(bot)
    bot.clock.now = at(21)
    await run_digest(bot)
    assert len(bot.api.bot_messages(STAFF_ID)) == before
    assert digests(bot) == []


async def test_one_digest_a_day_across_a_restart(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    bot.clock.now = at(10)
    await run_digest(bot)
    await bot.restart()
    await run_digest(bot)  # the same day, after a restart: not again
    bot.clock.advance(hours=10)
    await bot.restart()
    await run_digest(bot)
    assert len(digests(bot)) == 1
    bot.clock.now = at(11)
    await run_digest(bot)
    assert len(digests(bot)) == 2
    # Scheduled again at every start, at the hour of staff.toml in Paris time.
    (job,) = bot.application.job_queue.get_jobs_by_name(staff_digest.DIGEST_JOB)  # type: ignore[attr-defined]
    after = datetime(2026, 7, 1, tzinfo=UTC)  # summer time: 06:30 UTC
    fire = job.job.trigger.get_next_fire_time(None, after)
    assert fire.astimezone(UTC) == datetime(2026, 7, 1, 6, 30, tzinfo=UTC)


async def test_after_45_days_an_application_gets_its_own_line(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")  # 2 March at 10 h, Paris
    bot.clock.now = at(16, month=4, hour=10)  # 45 days and a bit
    await file_as(bot, 2002, "Binta", "Camara")
    bot.clock.now = at(17, month=4)
    await run_digest(bot)
    text = digests(bot)[-1]
    assert "⚠️ Sans décision depuis 45 jours ou plus :\n• IS-2026-0001 attend depuis 45 jours" in (
        text
    )
    assert "IS-2026-0002" not in text
    assert "🆕 1 nouvelle(s) candidature(s)" in text


async def test_tomorrows_interviews_and_drafts_stopped_at_the_rendez_vous(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send("05/03/2026 14:30")
    await reach_rendez_vous(bot.chat(3001, "Chloé"), "Chloé")
    bot.clock.now = at(4)
    await run_digest(bot)
    text = digests(bot)[-1]
    assert "📅 Entretiens demain :\n• 14 h 30 · IS-2026-0001 · Awa Diallo" in text
    assert "🗓 1 personne(s) se sont arrêtées au choix du rendez-vous depuis plus d'un jour." in (
        text
    )
    assert "⏳" not in text  # decided: not waiting


async def test_where_private_sends_to_each_staff_member_even_with_a_group(
    tmp_path: Path,
) -> None:
    from localapi import LocalBotApi

    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    toml = dialogs / "staff.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('where = "chat"', 'where = "private"'),
        encoding="utf-8",
    )
    group = -100777
    settings = make_settings(
        tmp_path, TREMPLIN_STAFF_CHAT_ID=str(group), TREMPLIN_DIALOGS=str(dialogs)
    )
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    harness.api.known_chat(group, chat_type="supergroup", title="Équipe")
    await harness.start()
    try:
        await file_as(harness, 2001, "Awa", "Diallo")
        harness.clock.now = at(10)
        await run_digest(harness)
        assert len(digests(harness)) == 1
        assert digests(harness, group) == []
    finally:
        await harness.stop()


async def test_after_60_days_the_card_asks_to_decide_or_keep_it_waiting(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    assert "⏰" not in staff.last.text
    bot.clock.now = at(2, month=5, hour=10)  # 61 days
    await staff.send("/dossier IS-2026-0001")
    card = staff.last
    assert card.text.endswith(
        "\n\n⏰ Sans décision depuis 61 jours : décidez, ou gardez-la en attente."
    )
    assert card.buttons()[-1] == "⏸ Garder en attente"
    assert "⏸ Mettre en attente" in card.buttons()  # deciding is still there
    told = len(bot.api.bot_messages(2001))
    await staff.tap("⏸ Garder en attente")
    application = bot.store.application_by_reference("IS-2026-0001")
    assert application is not None and application.state == "a_l_etude"  # never closed
    kept = bot.store.db.execute(
        "SELECT actor, application_id FROM events WHERE action = 'keep_waiting'"
    ).fetchall()
    assert kept == [(f"staff:{STAFF_ID}", application.id)]
    # Every card of it is edited in place: the ask is gone.
    for message in bot.api.bot_messages(STAFF_ID):
        if message.text.startswith("📋 Candidature IS-2026-0001"):
            assert "⏰" not in message.text
            assert "⏸ Garder en attente" not in message.buttons()
    assert len(bot.api.bot_messages(2001)) == told  # she is told nothing
    # A "Garder" button once the ask is gone records nothing more; 60 days later, it is back.
    await staff.tap_data(card.message_id, f"s:{application.id}.0:keep")
    assert bot.store.last_kept(application.id) is not None
    assert (
        len(bot.store.db.execute("SELECT 1 FROM events WHERE action = 'keep_waiting'").fetchall())
        == 1
    )
    bot.clock.now = at(1, month=7, hour=10)
    await staff.send("/dossier IS-2026-0001")
    assert "⏰ Sans décision depuis 121 jours" in staff.last.text


async def test_stats_give_the_median_delays(bot: Bot) -> None:
    staff = nadia(bot)
    await staff.send("/stats")
    shown = [m.text for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📊")][-1]
    assert "⏱ Délai médian de la réception à la première décision : —" in shown
    assert "⏱ Délai médian de la réception à l'entretien : —" in shown
    await file_as(bot, 2001, "Awa", "Diallo")  # 2 March, 9 h UTC
    await file_as(bot, 2002, "Binta", "Camara")
    bot.clock.advance(days=2)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("❌ Refuser")
    await staff.tap("Pas de poste ouvert")
    bot.clock.advance(days=1)
    await staff.send("/dossier IS-2026-0002")
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send("09/03/2026 22:00")  # 21 h UTC: 7,5 days after filing
    await staff.send("/stats")
    shown = [m.text for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📊")][-1]
    assert "⏱ Délai médian de la réception à la première décision : 2,5 jour(s)" in shown
    assert "⏱ Délai médian de la réception à l'entretien : 7,5 jour(s)" in shown


# --- the pure rules ----------------------------------------------------------------------


def test_settings_of_staff_toml() -> None:
    assert digest_rules.read_settings(None) == digest_rules.DigestSettings(time(8, 30), "chat")
    assert digest_rules.read_settings({"hour": "7h05", "where": "private"}).hour == time(7, 5)
    for bad in ({"hour": "25:00"}, {"where": "groupe"}, {"heure": "08:30"}, "08:30"):
        with pytest.raises(digest_rules.DigestSettingsError):
            digest_rules.read_settings(bad)


def test_due_day_in_the_structures_time_zone() -> None:
    from zoneinfo import ZoneInfo

    paris = ZoneInfo("Europe/Paris")
    hour = time(8, 30)
    # Summer: 08:30 in Paris is 06:30 UTC.
    assert digest_rules.due_day(at(1, 7, 6, 29), paris, hour, None) is None
    assert digest_rules.due_day(at(1, 7, 6, 30), paris, hour, None) == date(2026, 7, 1)
    assert digest_rules.due_day(at(1, 7, 6, 30), paris, hour, date(2026, 7, 1)) is None
    assert digest_rules.median_days([]) is None
    assert digest_rules.median_days([("2026-03-01T00:00:00+00:00", "2026-03-04T12:00:00+00:00")])
    assert digest_rules.interview_moment("salle B") is None


async def test_a_day_is_claimed_once_and_a_bad_digest_table_is_reported(
    bot: Bot, tmp_path: Path
) -> None:
    day = date(2026, 3, 10)
    assert bot.store.claim_digest(day) is None  # never done before
    assert bot.store.claim_digest(day) is False
    assert bot.store.claim_digest(date(2026, 3, 9)) is False
    assert isinstance(bot.store.claim_digest(date(2026, 3, 11)), datetime)
    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    toml = dialogs / "staff.toml"
    toml.write_text(
        toml.read_text(encoding="utf-8").replace('hour = "08:30"', 'hour = "8 h 30"'),
        encoding="utf-8",
    )
    problems = staff_digest.check(make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs)))
    assert problems == ["staff.toml [digest]: hour '8 h 30' must read like \"08:30\""]
    assert staff_digest.check(bot.settings) == []


def test_digest_settings_come_from_the_one_loader_of_dialogs(tmp_path: Path) -> None:
    """`[digest]` is read like the rest of staff.toml: again when the file changes, the last
    good version kept while an edit is broken; a missing file is the staff check's to say."""
    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    toml = dialogs / "staff.toml"
    text = toml.read_text(encoding="utf-8")
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    assert staff_digest.digest_settings(dialogs).hour == time(8, 30)
    toml.write_text(text.replace('hour = "08:30"', 'hour = "7h05"'), encoding="utf-8")
    assert staff_digest.digest_settings(dialogs).hour == time(7, 5)
    toml.write_text(text.replace('hour = "08:30"', 'hour = "8 h 30"'), encoding="utf-8")
    assert staff_digest.digest_settings(dialogs).hour == time(7, 5)
    assert staff_digest.check(settings) == [
        "staff.toml [digest]: hour '8 h 30' must read like \"08:30\""
    ]
    toml.unlink()
    assert staff_digest.check(settings) == []
