"""Forged slot ids: a button's data names any slot, but a person books only what they are
offered (kinds candidates choose, their workshops, not cancelled, not started)."""

from __future__ import annotations

from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import NEUTRAL_BUTTON, add_slot, file_application, reach_rendez_vous


def _bookings(bot: Bot) -> list[tuple[object, ...]]:
    return bot.store.db.execute("SELECT slot_id, state FROM bookings").fetchall()


async def test_a_filed_candidate_cannot_book_an_interview_by_forging_its_id(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)  # no slot open: "the team will call"
    interview = add_slot(bot, kind="entretien")
    await chat.tap_data(chat.last.message_id, f"t:book:{interview.id}")
    assert chat.answers[-1].get("text") == NEUTRAL_BUTTON
    assert _bookings(bot) == []


async def test_cancelled_and_started_slots_cannot_be_booked_by_forged_ids(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    cancelled = add_slot(bot)
    bot.store.cancel_slot(cancelled.id, actor="cli")
    started = add_slot(bot, days=0.01)
    bot.clock.advance(days=1)  # `started` has begun
    for slot in (cancelled, started):
        await chat.tap_data(chat.last.message_id, f"t:book:{slot.id}")
    assert _bookings(bot) == []


async def test_a_draft_cannot_book_a_slot_of_a_workshop_she_did_not_choose(bot: Bot) -> None:
    storage = add_slot(bot, workshop="stockage")  # she chose wood and metalwork
    wood = add_slot(bot, days=4, workshop="bois")
    chat = bot.chat()
    await reach_rendez_vous(chat)
    step_message = chat.last.message_id
    assert f"j:rendez_vous:creneau_{wood.id}" in str(chat.last.reply_markup)
    await chat.tap_data(step_message, f"j:rendez_vous:creneau_{storage.id}")
    assert _bookings(bot) == []
    assert bot.store.conversation(CANDIDATE_ID).step == "rendez_vous"  # type: ignore[union-attr]
    # Nor through the offers' own button family.
    await chat.tap_data(step_message, f"t:book:{storage.id}")
    assert _bookings(bot) == []
    # What she is offered still works.
    await chat.tap_data(step_message, f"j:rendez_vous:creneau_{wood.id}")
    assert _bookings(bot) == [(wood.id, "booked")]


async def test_an_interview_given_by_staff_can_still_be_moved_to_another_interview(
    bot: Bot,
) -> None:
    """The rule at the tap must not refuse what /rdv offers after staff's invitation."""
    chat = bot.chat()
    await file_application(chat)
    first = add_slot(bot, kind="entretien")
    second = add_slot(bot, days=5, kind="entretien")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert bot.store.book_seat(first.id, application.id, now=bot.clock.now)
    await chat.send("/rdv")
    await chat.tap("📅 Changer de date")
    await chat.tap_data(chat.last.message_id, f"t:book:{second.id}")
    assert (second.id, "booked") in _bookings(bot)
