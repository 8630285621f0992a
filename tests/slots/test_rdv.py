"""The candidate's /rdv: see the booking, move it (the old seat is freed), cancel it after a
confirmation; and dates offered to someone who has none."""

from __future__ import annotations

from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import add_slot, file_application, file_with_slot, label, reach_rendez_vous


async def test_rdv_shows_the_booking_with_date_and_address(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    await chat.send("/rdv")
    assert "jeudi 5 mars à 14 h" in chat.last.text
    assert "95 boulevard Félix Faure" in chat.last.text
    assert chat.buttons() == ["📅 Changer de date", "❌ Annuler le rendez-vous"]


async def test_moving_the_booking_frees_the_old_seat(bot: Bot) -> None:
    first = add_slot(bot, days=3, seats=1)
    second = add_slot(bot, days=6, seats=1)
    chat = bot.chat()
    await file_with_slot(chat, first)
    await chat.send("/rdv")
    await chat.tap("📅 Changer de date")
    assert chat.buttons() == [label(second), "Garder ma date"]
    await chat.tap(label(second))
    assert (bot.store.slot(first.id).taken, bot.store.slot(second.id).taken) == (0, 1)
    texts = chat.texts()
    assert any(t.startswith("📅 Votre rendez-vous") and "mercredi 8 mars" not in t for t in texts)
    assert any("dimanche 8 mars à 14 h" in t for t in texts[-3:])
    assert any("rendez-vous le dimanche 8 mars" in m.text for m in bot.api.bot_messages(STAFF_ID))
    # The freed seat is open again for someone else.
    other = bot.chat(3003, "Binta")
    await reach_rendez_vous(other)
    assert label(first) in other.buttons()


async def test_keeping_the_date(bot: Bot) -> None:
    slot = add_slot(bot)
    add_slot(bot, days=6)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    await chat.send("/rdv")
    await chat.tap("📅 Changer de date")
    await chat.tap("Garder ma date")
    assert "vous gardez votre rendez-vous" in chat.last.text
    application = bot.store.active_application(CANDIDATE_ID)
    assert application is not None
    assert bot.store.active_booking(application.id) is not None


async def test_cancel_asks_first_then_frees_the_seat(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    await chat.send("/rdv")
    await chat.tap("❌ Annuler le rendez-vous")
    assert "Voulez-vous vraiment annuler votre rendez-vous du jeudi 5 mars à 14 h" in chat.last.text
    await chat.tap("Non, je garde")
    assert bot.store.slot(slot.id).taken == 1
    await chat.send("/rdv")
    await chat.tap("❌ Annuler le rendez-vous")
    message_id, data = bot.api.find_button(CANDIDATE_ID, "Oui, annuler")
    await chat.tap_data(message_id, data)
    assert bot.store.slot(slot.id).taken == 0
    assert "votre rendez-vous est annulé" in chat.last.text
    assert any("ne viendra pas" in m.text for m in bot.api.bot_messages(STAFF_ID))
    await chat.tap_data(message_id, data)  # a double tap changes nothing
    assert "plus de rendez-vous" in chat.alerts[-1]
    await chat.send("/rdv")
    assert "Vous n'avez pas de rendez-vous." in chat.last.text
    assert chat.buttons() == [label(slot), "Aucune de ces dates"]


async def test_booking_from_rdv_after_filing_without_a_date(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)  # no slot open then: "D'accord"
    await chat.send("/rdv")
    assert "L'équipe va vous appeler" in chat.last.text
    slot = add_slot(bot)
    await chat.send("/rdv")
    await chat.tap(label(slot))
    assert bot.store.slot(slot.id).taken == 1
    kinds = [m.kind for m in bot.api.bot_messages(CANDIDATE_ID)[-3:]]
    assert kinds == ["text", "document", "venue"]


async def test_offer_of_a_slot_that_filled_up_meanwhile(bot: Bot) -> None:
    chat = bot.chat()
    await file_application(chat)
    slot = add_slot(bot, seats=1)
    await chat.send("/rdv")
    rival = bot.store.start_draft(5555, source=None)
    assert bot.store.book_seat(slot.id, rival.id, now=bot.clock.now)
    await chat.tap(label(slot))
    assert "complète" in chat.alerts[-1]
    assert "L'équipe va vous appeler" in chat.last.text


async def test_rdv_without_application_or_with_a_draft(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/rdv")
    assert "Vous n'avez pas de candidature" in chat.last.text
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.send("/rdv")
    assert "pas finie" in chat.last.text


async def test_forged_rdv_and_offer_buttons_change_nothing(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    message_id = chat.last.message_id
    stranger = bot.chat(7777, "Personne")
    await stranger.tap_data(message_id, "t:rdv:yes")
    await stranger.tap_data(message_id, f"t:book:{slot.id}")
    await chat.tap_data(message_id, "t:book:99999")
    await chat.tap_data(message_id, "t:rdv:nimportequoi")
    await chat.tap_data(message_id, "t:zzz:1")
    assert bot.store.slot(slot.id).taken == 1
    assert stranger.alerts == [
        "Vous n'avez plus de rendez-vous. Touchez /rdv.",
        "Ce bouton n'est plus valable.",
    ]
    assert chat.alerts[-3:] == ["Ce bouton n'est plus valable."] * 3


async def test_help_lists_rdv(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/aide")
    assert "/rdv" in chat.last.text


async def test_changing_date_with_no_other_date_keeps_the_booking(bot: Bot) -> None:
    slot = add_slot(bot)
    chat = bot.chat()
    await file_with_slot(chat, slot)
    await chat.send("/rdv")
    await chat.tap("📅 Changer de date")
    assert "pas d'autre date pour le moment. Vous gardez votre rendez-vous." in chat.last.text
    assert bot.store.slot(slot.id).taken == 1
