"""Staff's /creneaux: the list with seats taken, who is booked, adding a slot through a short
dialogue, cancelling one (every booked candidate is told and offered another date), and
marking présent / absent after the slot (an absent candidate is offered one new date)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.slots.store import Slot
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import add_slot, file_with_slot, label, reach_rendez_vous


def staff(bot: Bot) -> Chat:
    return bot.chat(STAFF_ID, "Nadia")


async def two_candidates(bot: Bot, slot: Slot) -> tuple[Chat, Chat]:
    awa = bot.chat()
    await file_with_slot(awa, slot)
    binta = bot.chat(2002, "Binta")
    await file_with_slot(binta, slot, "Binta")
    return awa, binta


async def test_non_staff_get_the_neutral_answer(bot: Bot) -> None:
    add_slot(bot)
    chat = bot.chat()
    await chat.send("/creneaux")
    assert chat.last.text == (
        "Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire."
    )
    await chat.send("/start")
    message_id = chat.last.message_id
    for data in ("t:ls:all", "t:sl:1", "t:xy:1", "t:add:start", "t:pr:1"):
        await chat.tap_data(message_id, data)
    assert chat.alerts == ["Ce bouton n'est plus valable."] * 5
    assert not bot.store.slot(1).cancelled


async def test_list_shows_seats_taken_and_who_is_booked(bot: Bot) -> None:
    slot = add_slot(bot, seats=12)
    add_slot(bot, days=8, seats=8, kind="entretien")
    await file_with_slot(bot.chat(), slot)
    nadia = staff(bot)
    await nadia.send("/creneaux")
    text = nadia.last.text
    assert "1. jeudi 5 mars à 14 h · Réunion d'information · 1/12 places" in text
    assert "2. mardi 10 mars à 14 h · Entretien · 0/8 places" in text
    assert nadia.buttons() == ["05/03 14 h · 1/12", "10/03 14 h · 0/8", "➕ Ajouter un créneau"]
    await nadia.tap("05/03 14 h · 1/12")
    assert "Awa Diallo · 06 12 34 56 78 · IS-2026-0001 · réservé" in nadia.last.text
    assert "🗑 Annuler ce créneau" in nadia.buttons()


async def test_adding_a_slot_through_the_dialogue(bot: Bot) -> None:
    nadia = staff(bot)
    await nadia.send("/creneaux")
    assert "Aucun créneau à venir." in nadia.last.text
    await nadia.tap("➕ Ajouter un créneau")
    assert "Date et heure" in nadia.last.text
    await nadia.send("demain matin")
    assert "Je n'ai pas compris cette date" in nadia.last.text
    await nadia.send("31/02/2026 10:00")
    assert "Je n'ai pas compris cette date" in nadia.last.text
    await nadia.send("01/03/2026 10:00")
    assert "Cette date est passée" in nadia.last.text
    await nadia.send("10/03/2026 14:30")
    assert "Le mardi 10 mars à 14 h 30. Combien de places ?" in nadia.last.text
    await nadia.send("beaucoup")
    await nadia.send("0")
    assert "de 1 à 200" in nadia.last.text
    await nadia.send("12")
    assert nadia.buttons() == ["Réunion d'information", "Entretien"]
    await nadia.send("entretien")
    assert "Touchez un des boutons" in nadia.last.text
    await nadia.tap("Entretien")
    assert "Adresse habituelle" in nadia.buttons()
    (shown,) = await nadia.tap("Adresse habituelle")
    assert "✅ Créneau ajouté : mardi 10 mars à 14 h 30 · Entretien · 0/12 places" in shown.text
    (slot,) = bot.store.slots_between(since=bot.clock.now)
    assert slot.start == datetime(2026, 3, 10, 13, 30, tzinfo=UTC)
    assert (slot.kind, slot.seats, slot.duration_minutes, slot.place) == ("entretien", 12, 45, None)
    # The dialogue is over: the next text goes to the usual handlers.
    assert bot.store.staff_input(STAFF_ID) is None
    await nadia.tap_data(nadia.last.message_id, "t:place:default")  # an old button
    assert len(bot.store.slots_between(since=bot.clock.now)) == 1


async def test_adding_a_slot_with_a_typed_place_and_stopping_one(bot: Bot) -> None:
    nadia = staff(bot)
    await nadia.send("/creneaux")
    await nadia.tap("➕ Ajouter un créneau")
    await nadia.send("12/03 9h")
    await nadia.send("8")
    await nadia.tap("Réunion d'information")
    await nadia.send("Mairie,   2 rue de la Commune de Paris")
    (slot,) = bot.store.slots_between(since=bot.clock.now)
    assert slot.place == "Mairie, 2 rue de la Commune de Paris"
    assert slot.start == datetime(2026, 3, 12, 8, 0, tzinfo=UTC)
    await nadia.send("/creneaux")
    await nadia.tap("➕ Ajouter un créneau")
    await nadia.send("/annuler")
    assert "c'est annulé" in nadia.last.text
    assert bot.store.staff_input(STAFF_ID) is None


async def test_staff_cancel_tells_every_booked_candidate_and_offers_another_date(
    bot: Bot,
) -> None:
    slot = add_slot(bot, seats=5)
    other = add_slot(bot, days=9, seats=5)
    awa, binta = await two_candidates(bot, slot)
    nadia = staff(bot)
    await nadia.send("/creneaux")
    await nadia.tap("05/03 14 h · 2/5")
    await nadia.tap("🗑 Annuler ce créneau")
    assert "2 personne(s) inscrite(s) seront prévenues" in nadia.last.text
    await nadia.tap("Oui, annuler le créneau")
    assert "Créneau annulé. 2 personne(s) prévenue(s)." in nadia.last.text
    assert bot.store.slot(slot.id).cancelled and bot.store.slot(slot.id).taken == 0
    for chat in (awa, binta):
        assert "votre rendez-vous du jeudi 5 mars à 14 h est annulé par l'équipe" in chat.last.text
        assert chat.buttons() == [label(other), "Aucune de ces dates"]
    await awa.tap(label(other))
    assert bot.store.slot(other.id).taken == 1
    await binta.tap("Aucune de ces dates")
    assert "L'équipe va vous appeler" in binta.last.text
    # Told once: a later sweep sends nothing more.
    count = len(bot.api.bot_messages(2002))
    await bot.application.job_queue.get_jobs_by_name("slots:sweep")[0].run(bot.application)  # type: ignore[attr-defined]
    assert len(bot.api.bot_messages(2002)) == count


async def test_cancel_from_the_command_line_is_told_by_the_running_bot(bot: Bot) -> None:
    slot = add_slot(bot)
    awa = bot.chat()
    await file_with_slot(awa, slot)
    bot.store.cancel_slot(slot.id, actor="cli")  # what `python -m bot slots cancel` does
    assert not [t for t in awa.texts() if "annulé par l'équipe" in t]
    await bot.application.job_queue.get_jobs_by_name("slots:sweep")[0].run(bot.application)  # type: ignore[attr-defined]
    assert "annulé par l'équipe" in awa.last.text
    assert "L'équipe va vous appeler" in awa.last.text  # no other date open


async def test_cancel_noticed_at_start_when_the_bot_was_down(bot: Bot) -> None:
    slot = add_slot(bot)
    awa = bot.chat()
    await file_with_slot(awa, slot)
    await bot.stop()
    from bot.store import Store

    other = Store.open(bot.settings.database)
    other.cancel_slot(slot.id, actor="cli")
    other.close()
    await bot.start()
    assert "annulé par l'équipe" in bot.api.last(CANDIDATE_ID).text


async def test_attendance_after_the_slot_and_one_new_date_for_an_absence(bot: Bot) -> None:
    slot = add_slot(bot, days=3)
    awa, binta = await two_candidates(bot, slot)
    nadia = staff(bot)
    await nadia.send("/creneaux")
    await nadia.tap("05/03 14 h · 2/12")
    assert "✅ Awa D. présent" not in nadia.buttons()
    message_id = nadia.last.message_id
    awa_booking = bot.store.bookings_of_slot(slot.id)[0]
    await nadia.tap_data(message_id, f"t:pr:{awa_booking.id}")
    assert nadia.alerts[-1] == "Le créneau n'a pas encore commencé."
    later = add_slot(bot, days=10)
    bot.clock.now = slot.start.replace(hour=15)
    await nadia.send("/creneaux")
    assert "Passés (7 derniers jours)" in nadia.last.text
    await nadia.tap("05/03 14 h · 2/12")
    await nadia.tap("✅ Awa D. présent")
    await nadia.tap("❌ Binta D. absent")
    states = {b.first_name: b.state for b in bot.store.bookings_of_slot(slot.id)}
    assert states == {"Awa": "attended", "Binta": "no_show"}
    assert "✅ présent" in nadia.last.text and "❌ absent" in nadia.last.text
    assert "Nous ne vous avons pas vu au rendez-vous du jeudi 5 mars à 14 h" in binta.last.text
    assert binta.buttons() == [label(later), "Aucune de ces dates"]
    assert not [t for t in awa.texts() if "pas vu" in t]
    await nadia.tap("❌ Binta D. absent")  # a double tap
    assert nadia.alerts[-1] == "C'est déjà noté."
    assert len([t for t in binta.texts() if "pas vu" in t]) == 1
    # Binta books the new date, and misses it too: no second offer.
    await binta.tap(label(later))
    bot.clock.now = later.start.replace(hour=16)
    await nadia.send("/creneaux")
    await nadia.tap("12/03 14 h · 1/12")
    await nadia.tap("❌ Binta D. absent")
    assert len([t for t in binta.texts() if "pas vu" in t]) == 1


async def test_cancelled_slot_cannot_be_cancelled_twice(bot: Bot) -> None:
    slot = add_slot(bot)
    await file_with_slot(bot.chat(), slot)
    nadia = staff(bot)
    await nadia.send("/creneaux")
    await nadia.tap("05/03 14 h · 1/12")
    await nadia.tap("🗑 Annuler ce créneau")
    message_id, data = bot.api.find_button(STAFF_ID, "Oui, annuler le créneau")
    await nadia.tap_data(message_id, data)
    await nadia.tap_data(message_id, data)
    assert nadia.alerts[-1] == "Ce créneau est déjà annulé."
    assert len([t for t in bot.chat().texts() if "annulé par l'équipe" in t]) == 1


async def test_a_draft_whose_slot_is_cancelled_can_pick_another_before_filing(bot: Bot) -> None:
    slot = add_slot(bot)
    other = add_slot(bot, days=5)
    awa = bot.chat()
    await reach_rendez_vous(awa)
    await awa.tap(label(slot))  # on the summary now, not filed yet
    bot.store.cancel_slot(slot.id, actor="staff:900")
    await bot.application.job_queue.get_jobs_by_name("slots:sweep")[0].run(bot.application)  # type: ignore[attr-defined]
    assert "annulé par l'équipe" in awa.last.text
    await awa.tap(label(other))
    assert bot.store.slot(other.id).taken == 1
    assert not [m for m in bot.api.bot_messages(CANDIDATE_ID) if m.kind == "document"]
    await awa.tap("✅ Envoyer ma candidature")
    confirmation = [t for t in awa.texts() if t.startswith("📅 Votre rendez-vous")]
    assert len(confirmation) == 1 and "samedi 7 mars à 14 h" in confirmation[0]


async def test_the_add_dialogue_survives_bad_input(bot: Bot) -> None:
    nadia = staff(bot)
    await nadia.send("/creneaux")
    await nadia.tap("➕ Ajouter un créneau")
    await nadia.send("x" * 5000)
    assert "Je n'ai pas compris cette date" in nadia.last.text
    await nadia.send_sticker()
    await nadia.send("10/03 14h")
    await nadia.send("9" * 5000)
    assert "de 1 à 200" in nadia.last.text
    await nadia.send("10")
    await nadia.tap("Réunion d'information")
    await nadia.send("y" * 5000)
    assert "200 caractères au plus" in nadia.last.text
    await bot.restart()  # the pending dialogue is in SQLite
    nadia = staff(bot)
    await nadia.send("Salle des fêtes")
    (slot,) = bot.store.slots_between(since=bot.clock.now)
    assert (slot.place, slot.seats) == ("Salle des fêtes", 10)


async def test_a_sticker_during_the_add_dialogue_is_refused_kindly(bot: Bot) -> None:
    nadia = bot.chat(STAFF_ID, "Nadia")
    await nadia.send("/creneaux")
    await nadia.tap("➕ Ajouter un créneau")
    await nadia.send_sticker()
    assert "J'attends un texte" in nadia.last.text
    await nadia.send("10/03/2026 14:30")  # the dialogue goes on where it was
    assert "Combien de places ?" in nadia.last.text
    await nadia.send("/annuler")
    assert "annulé" in nadia.last.text
