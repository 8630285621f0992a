"""The journey's rendez-vous step: open slots offered, a seat taken once, full slots, the
confirmation with its calendar file and map pin, and a Bot API that refuses media."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import (
    add_slot,
    file_with_slot,
    finish_after_rendez_vous,
    label,
    reach_rendez_vous,
)


async def test_no_open_slot_keeps_the_team_will_call_step(bot: Bot) -> None:
    add_slot(bot, days=-1)  # past
    bot.store.cancel_slot(add_slot(bot, days=2).id, actor="cli")  # cancelled
    add_slot(bot, days=3, kind="entretien")  # interviews are proposed by the team
    chat = bot.chat()
    await reach_rendez_vous(chat)
    assert "L'équipe va vous appeler" in chat.last.text
    assert chat.buttons()[:1] == ["D'accord"]
    assert "Aucune de ces dates" not in chat.buttons()
    await chat.tap("D'accord")
    await finish_after_rendez_vous(chat)
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    assert bot.store.active_booking(application.id) is None


async def test_open_slots_are_offered_soonest_first_with_french_dates(bot: Bot) -> None:
    later = add_slot(bot, days=10)
    sooner = add_slot(bot, days=3)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    assert "Choisissez une date" in chat.last.text
    assert chat.buttons()[:3] == [
        "📅 jeudi 5 mars à 14 h",
        "📅 jeudi 12 mars à 14 h",
        "Aucune de ces dates",
    ]
    assert [label(sooner), label(later)] == chat.buttons()[:2]


async def test_booking_in_the_journey_takes_a_seat_and_confirms_after_filing(bot: Bot) -> None:
    slot = add_slot(bot, seats=12)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    # The seat is held from the tap, on the draft.
    assert bot.store.slot(slot.id).taken == 1
    await finish_after_rendez_vous(chat)
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    booked = bot.store.active_booking(application.id)
    assert booked is not None and booked[0].id == slot.id and booked[1] == "booked"
    assert bot.store.slot(slot.id).taken == 1  # filing did not take a second seat
    messages = bot.api.bot_messages(CANDIDATE_ID)
    confirmation = next(m for m in messages if m.text.startswith("📅 Votre rendez-vous"))
    assert "réunion d'information, jeudi 5 mars à 14 h" in confirmation.text
    assert "95 boulevard Félix Faure" in confirmation.text
    assert "pièce d'identité" in confirmation.text
    # Text first, then the calendar file, then the map pin.
    kinds = [m.kind for m in messages[messages.index(confirmation) :]]
    assert kinds[:3] == ["text", "document", "venue"]


async def test_calendar_file_parses_back_with_the_right_time_and_place(bot: Bot) -> None:
    slot = add_slot(bot, days=3)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    document = next(m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "document")
    assert document.filename == "rendez-vous.ics"
    assert document.data is not None
    calendar = Calendar.from_ical(document.data)
    (event,) = calendar.events
    start = event.decoded("dtstart")
    assert start == slot.start
    assert start.tzinfo is not None and start.tzinfo.key == "Europe/Paris"  # type: ignore[union-attr]
    assert (start.hour, start.minute) == (14, 0)
    assert event.decoded("dtend") - start == timedelta(minutes=90)
    assert "95 boulevard Félix Faure" in str(event["location"])
    assert "Réunion d'information" in str(event["summary"])
    assert "pièce d'identité" in str(event["description"])
    assert calendar.timezones  # the VTIMEZONE travels with the file


async def test_venue_pin_uses_the_structure_coordinates(bot: Bot) -> None:
    slot = add_slot(bot)
    await file_with_slot(bot.chat(), slot)
    venue = next(m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "venue")
    assert venue.venue is not None
    assert venue.venue["title"] == "Initiatives Solidaires"
    assert venue.venue["address"] == "95 boulevard Félix Faure, 93300 Aubervilliers"
    assert venue.venue["location"]["latitude"] == 48.9071
    assert venue.venue["location"]["longitude"] == 2.3838


async def test_no_pin_for_a_slot_held_elsewhere(bot: Bot) -> None:
    slot = add_slot(bot, place="Mairie d'Aubervilliers, 2 rue de la Commune de Paris")
    await file_with_slot(bot.chat(), slot)
    messages = bot.api.bot_messages(CANDIDATE_ID)
    assert not [m for m in messages if m.kind == "venue"]
    assert any("Mairie d'Aubervilliers" in m.text for m in messages)


async def test_refused_document_and_venue_do_not_break_the_journey(bot: Bot) -> None:
    slot = add_slot(bot)
    bot.api.fail("sendDocument", code=400, description="Bad Request: documents are disabled")
    bot.api.fail("sendVenue", code=400, description="Bad Request: venues are disabled")
    chat = bot.chat()
    await file_with_slot(chat, slot)
    texts = chat.texts()
    assert any("Votre candidature est enregistrée" in t for t in texts)
    assert any(t.startswith("📅 Votre rendez-vous") for t in texts)
    messages = bot.api.bot_messages(CANDIDATE_ID)
    assert not [m for m in messages if m.kind in ("document", "venue")]
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"
    # The staff were told as usual: nothing stopped after the refusals.
    assert any("IS-2026-0001" in m.text for m in bot.api.bot_messages(STAFF_ID))


async def test_a_full_slot_tapped_gets_a_kind_word_and_the_fresh_list(bot: Bot) -> None:
    slot = add_slot(bot, seats=1)
    other = add_slot(bot, days=5)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    # Someone else takes the last seat while the list is on screen.
    rival = bot.store.start_draft(5555, source=None)
    assert bot.store.book_seat(slot.id, rival.id, now=bot.clock.now)
    await chat.tap(label(slot))
    assert "cette date est complète" in chat.alerts[-1]
    assert "cette date est complète" in chat.last.text
    assert label(slot) not in chat.buttons()
    assert label(other) in chat.buttons()
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and bot.store.active_booking(application.id) is None
    await chat.tap(label(other))
    assert bot.store.active_booking(application.id) is not None


async def test_all_slots_full_the_journey_still_files(bot: Bot) -> None:
    slot = add_slot(bot, seats=1)
    rival = bot.store.start_draft(5555, source=None)
    assert bot.store.book_seat(slot.id, rival.id, now=bot.clock.now)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    assert "L'équipe va vous appeler" in chat.last.text
    await chat.tap("D'accord")
    await finish_after_rendez_vous(chat)
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None and application.state == "nouvelle"


async def test_a_double_tap_on_a_date_takes_one_seat(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    message_id, data = bot.api.find_button(CANDIDATE_ID, label(slot))
    await chat.tap_data(message_id, data)
    await chat.tap_data(message_id, data)
    assert bot.store.slot(slot.id).taken == 1
    assert "plus valable" in chat.alerts[-1]


async def test_forged_slot_buttons_change_nothing(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    message_id = chat.last.message_id
    await chat.tap_data(message_id, "j:rendez_vous:creneau_99999")
    await chat.tap_data(message_id, "j:rendez_vous:creneau_x")
    await chat.tap_data(message_id, "j:rendez_vous:nimportequoi")
    assert bot.store.slot(slot.id).taken == 0
    assert all("ne marche pas" in alert for alert in chat.alerts[-3:])
    assert "Choisissez une date" in chat.last.text


async def test_restarting_or_erasing_the_draft_frees_the_seat(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    await chat.send("/recommencer")
    await chat.tap("Oui, recommencer")
    assert bot.store.slot(slot.id).taken == 0
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    assert bot.store.slot(slot.id).taken == 1
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    assert bot.store.slot(slot.id).taken == 0


async def test_withdrawing_a_filed_application_frees_the_seat(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    assert bot.store.slot(slot.id).taken == 1
    await chat.send("/retirer")
    await chat.tap("Oui, je la retire")
    assert bot.store.slot(slot.id).taken == 0


async def test_concurrent_candidates_racing_for_the_last_seat(bot: Bot) -> None:
    """Five people on the rendez-vous step tap the last seat at the same moment."""
    slot = add_slot(bot, seats=1)
    other = add_slot(bot, days=6)
    chats = [bot.chat(2000 + n, f"Personne{n}") for n in range(5)]
    for chat in chats:
        await reach_rendez_vous(chat)
    await asyncio.gather(*(chat.tap(label(slot)) for chat in chats))
    assert bot.store.slot(slot.id).taken == 1
    holders = [
        chat
        for chat in chats
        if (app := bot.store.active_application(chat.user_id)) is not None
        and bot.store.active_booking(app.id) is not None
    ]
    assert len(holders) == 1
    losers = [chat for chat in chats if chat not in holders]
    for chat in losers:
        assert "cette date est complète" in chat.last.text
        assert label(other) in chat.buttons()


async def test_slot_for_a_workshop_is_offered_only_to_who_chose_it(bot: Bot) -> None:
    add_slot(bot, days=3, workshop="restauration")
    wood = add_slot(bot, days=4, workshop="bois")
    chat = bot.chat()
    await reach_rendez_vous(chat)  # the script chooses wood and metalwork
    assert chat.buttons()[:2] == [label(wood), "Aucune de ces dates"]


async def test_daylight_saving_dates_are_shown_in_local_time(bot: Bot) -> None:
    bot.clock.now = datetime(2027, 3, 20, 9, 0, tzinfo=UTC)
    paris = ZoneInfo("Europe/Paris")
    start = datetime(2027, 3, 28, 14, 0, tzinfo=paris)  # summer time since 2 h that night
    slot = bot.store.add_slot(start=start, seats=8)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    assert label(slot) == "📅 dimanche 28 mars à 14 h"
    assert label(slot) in chat.buttons()


async def sweep(bot: Bot) -> None:
    await bot.application.job_queue.get_jobs_by_name("slots:sweep")[0].run(bot.application)  # type: ignore[attr-defined]


async def test_an_idle_draft_lets_its_seat_go_and_takes_it_again_at_filing(bot: Bot) -> None:
    slot = add_slot(bot, days=5, seats=1)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    bot.clock.advance(hours=23)
    await sweep(bot)
    assert bot.store.slot(slot.id).taken == 1
    bot.clock.advance(hours=2)
    await sweep(bot)
    assert bot.store.slot(slot.id).taken == 0  # free for others while the draft sleeps
    await finish_after_rendez_vous(chat)
    assert bot.store.slot(slot.id).taken == 1
    assert any(t.startswith("📅 Votre rendez-vous") for t in chat.texts())


async def test_a_seat_lost_while_idle_is_said_at_filing_with_other_dates(bot: Bot) -> None:
    slot = add_slot(bot, days=5, seats=1)
    other = add_slot(bot, days=9)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    bot.clock.advance(hours=25)
    await sweep(bot)
    rival = bot.store.start_draft(5555, source=None)
    assert bot.store.book_seat(slot.id, rival.id, now=bot.clock.now)
    await finish_after_rendez_vous(chat)
    assert "la date que vous aviez choisie n'est plus libre" in chat.last.text
    assert chat.buttons() == [label(other), "Aucune de ces dates"]
    await chat.tap(label(other))
    assert bot.store.slot(other.id).taken == 1
    assert any(t.startswith("📅 Votre rendez-vous") for t in chat.texts())


async def test_a_date_that_passed_before_filing_is_not_confirmed(bot: Bot) -> None:
    slot = add_slot(bot, days=1)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    bot.clock.advance(days=2)
    await finish_after_rendez_vous(chat)
    assert not [t for t in chat.texts() if t.startswith("📅 Votre rendez-vous")]
    assert "n'est plus libre" in chat.last.text
    assert "L'équipe va vous appeler" in chat.last.text


async def test_summary_shows_the_date_and_it_can_be_changed_before_sending(bot: Bot) -> None:
    first = add_slot(bot, days=3)
    second = add_slot(bot, days=5)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(first))
    assert "Rendez-vous : " + label(first).removeprefix("📅 ") in chat.last.text
    await chat.tap("Modifier : Le rendez-vous")
    await chat.tap(label(second))
    # Straight back to the summary, with the new date; the old seat is free again.
    assert "Vérifiez vos réponses" in chat.last.text
    assert "Rendez-vous : " + label(second).removeprefix("📅 ") in chat.last.text
    assert bot.store.slot(first.id).taken == 0
    assert bot.store.slot(second.id).taken == 1
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    booking = bot.store.active_booking(application.id)
    assert booking is not None and booking[0].id == second.id
