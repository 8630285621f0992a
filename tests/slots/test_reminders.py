"""Reminders: the evening before and a few hours before, each sent once across restarts,
late when the bot was down (skipped once the slot started), right across daylight saving,
and the candidate's answers "Je viens" / "Je ne peux pas"."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.slots.store import Slot
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import add_slot, file_with_slot, label

PARIS = ZoneInfo("Europe/Paris")


def paris(*args: int) -> datetime:
    return datetime(*args, tzinfo=PARIS).astimezone(UTC)  # type: ignore[misc]


def reminders(bot: Bot) -> list[str]:
    return [m.text for m in bot.api.bot_messages(CANDIDATE_ID) if m.text.startswith("📅 C'est")]


def booking_id(bot: Bot) -> int:
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    booking = bot.store.active_booking_of(application.id)
    assert booking is not None
    return booking.id


async def run_job(bot: Bot, name: str) -> None:
    jobs = bot.application.job_queue.get_jobs_by_name(name)  # type: ignore[attr-defined]
    assert jobs, f"no job {name!r}"
    await jobs[0].run(bot.application)


async def booked(bot: Bot, start: datetime, *, now: datetime) -> tuple[Chat, Slot]:
    bot.clock.now = now
    slot = bot.store.add_slot(start=start, seats=10)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    return chat, slot


async def test_each_reminder_is_sent_once_even_across_restarts(bot: Bot) -> None:
    # Thursday 5 March 2026 at 14 h; filed on Monday.
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    bot.clock.now = paris(2026, 3, 4, 17, 59)
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    await run_job(bot, f"reminder:{number}:veille")
    assert reminders(bot) == [
        "📅 C'est demain à 14 h : votre rendez-vous avec Initiatives Solidaires.\n"
        "📍 95 boulevard Félix Faure, 93300 Aubervilliers\nVous venez ?\n\n"
        # The evening before: what she brings, from her own answers (RSA "oui", QPV to check).
        "À apporter :\n• Une pièce d'identité ou un titre de séjour.\n"
        "• Pour le RSA : votre attestation de la CAF, de moins de 3 mois.\n"
        "• Pour votre adresse : une facture ou un papier avec votre adresse, de moins de 3 mois."
    ]
    assert bot.api.last(CANDIDATE_ID).buttons() == ["Je viens", "Je ne peux pas"]
    await run_job(bot, "slots:sweep")  # the job and the sweep never both send
    await bot.restart()
    await run_job(bot, "slots:sweep")
    assert len(reminders(bot)) == 1
    # The same-day reminder, rebuilt as a job by the new process.
    bot.clock.now = paris(2026, 3, 5, 11, 0)
    await run_job(bot, f"reminder:{number}:jour")
    assert reminders(bot)[-1].startswith("📅 C'est aujourd'hui à 14 h")
    await bot.restart()
    await run_job(bot, "slots:sweep")
    assert len(reminders(bot)) == 2
    assert bot.store.reminders_recorded(number) == {"veille": "sent", "jour": "sent"}


async def test_no_job_left_for_reminders_already_sent(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    await run_job(bot, f"reminder:{number}:veille")
    await bot.restart()
    queue = bot.application.job_queue  # type: ignore[attr-defined]
    assert not queue.get_jobs_by_name(f"reminder:{number}:veille")
    assert len(queue.get_jobs_by_name(f"reminder:{number}:jour")) == 1


async def test_a_reminder_missed_while_down_is_sent_late_at_start(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    await bot.stop()
    bot.clock.now = paris(2026, 3, 4, 21, 30)  # down at 18 h
    await bot.start()
    assert len(reminders(bot)) == 1
    assert "demain à 14 h" in reminders(bot)[0]


async def test_late_evening_reminder_on_the_day_says_today(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    await bot.stop()
    bot.clock.now = paris(2026, 3, 5, 8, 0)  # down all night; same-day reminder at 11 h
    await bot.start()
    assert [r.split(" :")[0] for r in reminders(bot)] == ["📅 C'est aujourd'hui à 14 h"]
    bot.clock.now = paris(2026, 3, 5, 11, 0)
    await run_job(bot, f"reminder:{booking_id(bot)}:jour")
    assert len(reminders(bot)) == 2


async def test_two_missed_reminders_make_one_message(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    await bot.stop()
    bot.clock.now = paris(2026, 3, 5, 12, 0)
    await bot.start()
    assert len(reminders(bot)) == 1
    assert bot.store.reminders_recorded(number) == {"veille": "skipped", "jour": "sent"}


async def test_reminders_missed_until_the_slot_started_are_skipped(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    await bot.stop()
    bot.clock.now = paris(2026, 3, 5, 14, 5)
    await bot.start()
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []


async def test_booked_after_the_evening_gets_only_the_same_day_reminder(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 4, 20, 0))
    number = booking_id(bot)
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []  # the confirmation just said it
    assert bot.store.reminders_recorded(number) == {"veille": "skipped"}
    bot.clock.now = paris(2026, 3, 5, 11, 0)
    await run_job(bot, "slots:sweep")
    assert len(reminders(bot)) == 1


async def test_spring_forward_last_sunday_of_march(bot: Bot) -> None:
    """Sunday 28 March 2027: clocks go from 2 h to 3 h. The slot at 14 h is 12:00 UTC; the
    evening before (still winter time) 18 h is 17:00 UTC; 3 hours before is 11 h local."""
    await booked(bot, paris(2027, 3, 28, 14, 0), now=paris(2027, 3, 20, 10, 0))
    number = booking_id(bot)
    queue = bot.application.job_queue  # type: ignore[attr-defined]
    (evening,) = queue.get_jobs_by_name(f"reminder:{number}:veille")
    (same_day,) = queue.get_jobs_by_name(f"reminder:{number}:jour")
    assert evening.job.trigger.run_date == datetime(2027, 3, 27, 17, 0, tzinfo=UTC)
    assert same_day.job.trigger.run_date == datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    bot.clock.now = datetime(2027, 3, 27, 16, 59, tzinfo=UTC)
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []
    bot.clock.now = datetime(2027, 3, 27, 17, 0, tzinfo=UTC)
    await run_job(bot, f"reminder:{number}:veille")
    assert reminders(bot)[-1].startswith("📅 C'est demain à 14 h")
    bot.clock.now = datetime(2027, 3, 28, 9, 0, tzinfo=UTC)
    await run_job(bot, f"reminder:{number}:jour")
    assert reminders(bot)[-1].startswith("📅 C'est aujourd'hui à 14 h")


async def test_fall_back_last_sunday_of_october(bot: Bot) -> None:
    """Sunday 31 October 2027: clocks go from 3 h back to 2 h. The slot at 14 h is 13:00 UTC;
    the evening before (still summer time) 18 h is 16:00 UTC; 11 h local is 10:00 UTC."""
    await booked(bot, paris(2027, 10, 31, 14, 0), now=paris(2027, 10, 25, 10, 0))
    number = booking_id(bot)
    queue = bot.application.job_queue  # type: ignore[attr-defined]
    (evening,) = queue.get_jobs_by_name(f"reminder:{number}:veille")
    (same_day,) = queue.get_jobs_by_name(f"reminder:{number}:jour")
    assert evening.job.trigger.run_date == datetime(2027, 10, 30, 16, 0, tzinfo=UTC)
    assert same_day.job.trigger.run_date == datetime(2027, 10, 31, 10, 0, tzinfo=UTC)
    bot.clock.now = datetime(2027, 10, 30, 16, 0, tzinfo=UTC)
    await run_job(bot, "slots:sweep")
    assert reminders(bot)[-1].startswith("📅 C'est demain à 14 h")
    bot.clock.now = datetime(2027, 10, 31, 9, 59, tzinfo=UTC)
    await run_job(bot, "slots:sweep")
    assert len(reminders(bot)) == 1
    bot.clock.now = datetime(2027, 10, 31, 10, 0, tzinfo=UTC)
    await run_job(bot, "slots:sweep")
    assert reminders(bot)[-1].startswith("📅 C'est aujourd'hui à 14 h")


async def test_je_viens_confirms_the_booking(bot: Bot) -> None:
    chat, _ = await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    await run_job(bot, "slots:sweep")
    await chat.tap("Je viens")
    assert bot.store.booking(number).state == "confirmed"
    assert "Merci ! L'équipe vous attend." in chat.last.text
    assert chat.last.buttons() == []


async def test_je_ne_peux_pas_frees_the_seat_and_offers_another_date(bot: Bot) -> None:
    chat, slot = await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    other = bot.store.add_slot(start=paris(2026, 3, 12, 10, 0), seats=5)
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    await run_job(bot, "slots:sweep")
    await chat.tap("Je ne peux pas")
    assert bot.store.slot(slot.id).taken == 0
    assert "votre rendez-vous est annulé" in chat.last.text
    assert chat.buttons() == [label(other), "Aucune de ces dates"]
    assert any("ne viendra pas" in m.text for m in bot.api.bot_messages(STAFF_ID))
    await chat.tap(label(other))
    assert bot.store.slot(other.id).taken == 1
    assert any("jeudi 12 mars à 10 h" in t for t in chat.texts()[-4:])
    # No reminder for the cancelled booking any more.
    bot.clock.now = paris(2026, 3, 5, 11, 0)
    await run_job(bot, "slots:sweep")
    assert not [r for r in reminders(bot) if "aujourd'hui" in r]


async def test_reminder_buttons_of_someone_else_or_old_change_nothing(bot: Bot) -> None:
    chat, slot = await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    await run_job(bot, "slots:sweep")
    message = bot.api.last(CANDIDATE_ID)
    intruder = bot.chat(4242, "Intrus")
    await intruder.tap_data(message.message_id, f"t:cant:{number}")
    assert bot.store.booking(number).state == "booked"
    assert intruder.alerts == ["Ce bouton n'est plus valable."]
    bot.clock.now = paris(2026, 3, 5, 15, 0)  # after the start
    await chat.tap("Je ne peux pas")
    assert "passé" in chat.alerts[-1]
    assert bot.store.slot(slot.id).taken == 1


async def test_blocked_candidate_is_not_retried_a_passing_error_is(bot: Bot) -> None:
    await booked(bot, paris(2026, 3, 5, 14, 0), now=paris(2026, 3, 2, 10, 0))
    number = booking_id(bot)
    bot.clock.now = paris(2026, 3, 4, 18, 0)
    bot.api.fail("sendMessage", code=502, times=1)
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []
    assert bot.store.reminders_recorded(number) == {}
    await run_job(bot, "slots:sweep")  # the next sweep sends it
    assert len(reminders(bot)) == 1
    bot.clock.now = paris(2026, 3, 5, 11, 0)
    bot.api.block(CANDIDATE_ID)
    await run_job(bot, "slots:sweep")
    await run_job(bot, "slots:sweep")
    assert bot.store.reminders_recorded(number)["jour"] == "failed"


async def test_drafts_get_no_reminder(bot: Bot) -> None:
    slot = add_slot(bot, days=1)
    draft = bot.store.start_draft(CANDIDATE_ID, source=None)
    assert bot.store.book_seat(slot.id, draft.id, now=bot.clock.now)
    bot.clock.advance(hours=30)
    await run_job(bot, "slots:sweep")
    assert reminders(bot) == []
