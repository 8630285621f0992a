""" "L'équipe peut m'appeler" after "no right to work" (issue 21, point 2): three questions, a
call-back request for the team ("📞 Demande de rappel"), never an application: no workshop,
no session, no reference, no verdict; /statut says a call-back is asked for; staff mark it
done from its card; erasure and retention cover it."""

from __future__ import annotations

from datetime import timedelta

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import (
    PAS_POUR_VOUS,
    add_slot,
    file_as,
    label,
    nadia,
    play,
    reach_rendez_vous,
)


async def ask_to_be_called(chat: Chat, *, name: str = "Awa Diallo") -> None:
    """No right to work, then "L'équipe peut m'appeler" and its three answers."""
    await chat.send("/start")
    await play(chat, PAS_POUR_VOUS)
    await chat.tap("L'équipe peut m'appeler")
    assert "L'équipe va vous appeler. Quel est votre nom ?" in chat.last.text
    await chat.send(name)
    assert "À quel numéro l'équipe peut-elle vous appeler ?" in chat.last.text
    await chat.share_contact(phone="+33612345678")
    assert "Quand est-ce le mieux pour vous appeler ?" in chat.last.text
    assert chat.buttons() == ["Le matin", "L'après-midi", "À tout moment", "◀️ Retour"]
    await chat.tap("Le matin")


async def test_call_back_takes_three_answers_and_files_no_application(bot: Bot) -> None:
    add_slot(bot)  # an open session: none is offered, none is booked
    chat = bot.chat()
    await ask_to_be_called(chat)
    text = chat.last.text
    assert "C'est noté ! L'équipe va vous appeler." in text
    assert "📞 06 12 34 56 78 · Le matin" in text
    assert "Ce n'est pas une candidature." in text
    assert "Qui peut vous aider :" in text and "France Travail" in text
    for never in ("C'est envoyé", "candidature est enregistrée", "IS-2026", "rendez-vous"):
        assert never not in " ".join(chat.texts())
    assert not chat.last.has_inline_keyboard
    # Nothing filed as an application: no active one, no reference, no booking.
    assert bot.store.active_application(CANDIDATE_ID) is None
    (request,) = bot.store.applications_of(CANDIDATE_ID)
    assert (request.state, request.reference, request.filed_at) == ("rappel", None, None)
    assert request.verdict is None and request.workshops == []
    assert (request.first_name, request.phone) == ("Awa Diallo", "+33612345678")
    assert request.answers["droit_travail"] == "non"
    assert request.answers["rappel_moment"] == "matin"
    assert bot.store.db.execute("SELECT count(*) FROM bookings").fetchone()[0] == 0
    assert bot.store.conversation(CANDIDATE_ID) is None
    # /statut says a call-back is asked for, not an application.
    await chat.send("/statut")
    assert chat.last.text == "Vous avez demandé un appel. L'équipe va vous appeler."
    # /start begins again (her situation may change), and the export has no row for her.
    await chat.send("/start")
    assert "Étape 1 sur 8 · Votre accord" in chat.last.text


async def test_a_typed_phone_and_a_typed_moment_count_too(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PAS_POUR_VOUS)
    await chat.tap("L'équipe peut m'appeler")
    await chat.send("Je m'appelle Awa Diallo")
    assert chat.last.text == "Votre nom est bien Awa Diallo ?"
    await chat.tap("Oui")
    await chat.send("06 12 34 56 78")
    await chat.send("l'après-midi")
    assert "📞 06 12 34 56 78 · L'après-midi" in chat.last.text
    (request,) = bot.store.applications_of(CANDIDATE_ID)
    assert request.state == "rappel" and request.answers["rappel_moment"] == "apres_midi"


async def test_staff_see_a_call_back_request_in_the_queue_and_mark_it_done(bot: Bot) -> None:
    await file_as(bot, 2001, "Binta", "Martin")  # an application, for contrast
    chat = bot.chat()
    await ask_to_be_called(chat)
    # The card came to staff at once: a call-back, with why and when.
    card = bot.api.bot_messages(STAFF_ID)[-1]
    assert card.text.splitlines()[0] == "📞 Demande de rappel · Awa Diallo"
    assert "Pourquoi : ⛔ N'a pas le droit de travailler en France" in card.text
    assert "📞 06 12 34 56 78" in card.text
    assert "Meilleur moment : Le matin" in card.text
    for never in ("Candidature IS-", "Résultat du questionnaire", "Ateliers"):
        assert never not in card.text
    staff = nadia(bot)
    assert staff.buttons() == ["✅ Appel fait"]
    # The queue lists it apart from the applications, first.
    await staff.send("/file")
    text = staff.last.text
    assert text.startswith("📂 La file : 1 candidature(s) et 1 demande(s) de rappel, page 1 sur 1")
    assert "1. 📞 Demande de rappel · Awa Diallo · demandée le" in text
    assert "2. IS-2026-0001 · Binta Martin" in text
    assert staff.buttons()[:2] == ["📞 Awa Diallo", "IS-2026-0001 · Binta Martin"]
    await staff.tap("📞 Awa Diallo")
    assert staff.last.text.startswith("📞 Demande de rappel · Awa Diallo")
    assert "☎️ À appeler." in staff.last.text
    await staff.tap("✅ Appel fait")
    assert "✅ Appelée par Nadia le" in staff.last.text
    assert not staff.last.has_inline_keyboard
    # Every card of it still shown was edited (opening it from /file moved the card down);
    # the queue no longer shows it; she is told nothing.
    cards = [
        m for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📞 Demande de rappel ·")
    ]
    assert cards and all("✅ Appelée par Nadia le" in m.text for m in cards)
    await staff.send("/file")
    assert "Demande de rappel" not in staff.last.text
    assert "C'est noté ! L'équipe va vous appeler." in chat.last.text
    await chat.send("/statut")
    assert "L'équipe vous a téléphoné." in chat.last.text
    # Not an application anywhere: not in the export, not in the figures (counted apart).
    assert [a.reference for a in bot.store.filed_applications()] == ["IS-2026-0001"]
    await staff.send("/stats")
    figures = " ".join(m.text for m in bot.api.bot_messages(STAFF_ID)[-3:])
    assert "📊 Les chiffres : 1 candidature(s) envoyée(s)" in figures
    assert "Par mois : mars 2026 1" in figures
    assert "• demandes de rappel (« L'équipe peut m'appeler ») : 1" in figures


async def test_call_back_is_erased_with_the_person_and_its_cards_redacted(bot: Bot) -> None:
    chat = bot.chat()
    await ask_to_be_called(chat)
    await chat.send("/mesdonnees")
    assert "Voici tout ce que nous gardons sur vous." in " ".join(chat.texts())
    await chat.send("/supprimer")
    await chat.tap("Oui, tout effacer")
    assert bot.store.applications_of(CANDIDATE_ID) == []
    card = bot.api.bot_messages(STAFF_ID)[-1].text
    assert "Awa" not in card and "06 12" not in card


async def test_call_back_expires_with_the_retention_period(bot: Bot) -> None:
    chat = bot.chat()
    await ask_to_be_called(chat)
    assert bot.store.purge(before=bot.clock.now + timedelta(days=1)) == 1
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_a_seat_held_is_freed_when_she_asks_to_be_called_instead(bot: Bot) -> None:
    """At the summary, she says she has no right to work after all: the result again, then
    "L'équipe peut m'appeler": the session she chose is freed, nothing is filed."""
    slot = add_slot(bot, seats=1)
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(slot))
    assert "Vérifiez vos réponses" in chat.last.text
    await chat.tap("Modifier : Votre situation")
    await chat.tap("✏️ Droit de travailler en France")
    await chat.tap("Non")
    await chat.tap("Je préfère passer")  # the needs question below the dead end
    assert "Ce travail n'est sans doute pas pour vous" in chat.last.text
    await chat.tap("L'équipe peut m'appeler")
    await chat.send("Awa Diallo")
    await chat.send("0612345678")
    await chat.tap("À tout moment")
    assert "C'est noté ! L'équipe va vous appeler." in chat.last.text
    assert [a.state for a in bot.store.applications_of(CANDIDATE_ID)] == ["rappel"]
    booked = bot.store.db.execute("SELECT count(*) FROM bookings").fetchone()[0]
    assert booked == 0
    # The seat is open again for someone else.
    other = bot.chat(2002, "Binta")
    await reach_rendez_vous(other, "Binta")
    assert label(slot) in other.buttons()
