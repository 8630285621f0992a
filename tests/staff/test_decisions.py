"""Staff decisions from the card: each one recorded once (compare-and-set), the card edited in
place, the candidate told once in plain French with a next step, every change audited."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from bot.core.settings import PROJECT_ROOT
from bot.staff.dialogs import load_staff_dialogs
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, make_settings
from tests.journeys import OTHER_STAFF_ID, file_application, file_as, nadia


def _shown(text: str) -> str:
    """A reason's text as the candidate reads it: the structure's town filled in."""
    return text.replace("{city}", "Aubervilliers")


REASONS = load_staff_dialogs(PROJECT_ROOT / "dialogs").reasons


def application(bot: Bot):  # type: ignore[no-untyped-def]
    found = bot.store.applications_of(CANDIDATE_ID)
    assert found
    return found[-1]


def state_events(bot: Bot) -> list[tuple[str, str, str]]:
    return [
        (e["actor"], e["from_state"], e["to_state"])
        for e in bot.store.events(application(bot).id)
        if e["action"] == "state"
    ]


async def filed(bot: Bot) -> tuple[Chat, Chat]:
    candidate = bot.chat()
    await file_application(candidate)
    bot.clock.advance(hours=1)
    return candidate, nadia(bot)


async def test_accept_after_a_confirmation_tells_the_candidate_once(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    before = len(candidate.texts())
    await staff.tap("✅ Accepter")
    assert staff.buttons() == ["✅ Oui, accepter", "◀️ Retour"]
    assert application(bot).state == "a_l_etude"  # touching the card opened it
    await staff.tap("◀️ Retour")
    assert "✅ Accepter" in staff.buttons()
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    assert staff.alerts[-1] == "C'est noté."
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert "✅ Acceptée par Nadia le lundi 2 mars à 11 h." in card.text
    assert card.buttons() == ["📝 Ajouter une note"]
    told = candidate.texts()[before:]
    assert len(told) == 2
    assert "Bonne nouvelle ! L'équipe veut vous embaucher." in told[0]
    assert "95 boulevard Félix Faure" in told[1]
    assert application(bot).state == "acceptee"
    assert state_events(bot)[-2:] == [
        (f"staff:{STAFF_ID}", "nouvelle", "a_l_etude"),
        (f"staff:{STAFF_ID}", "a_l_etude", "acceptee"),
    ]
    await candidate.send("/statut")
    assert "L'équipe veut vous embaucher" in candidate.last.text


async def test_waiting_list_says_what_it_means(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    await staff.tap("⏸ Mettre en attente")
    await staff.tap("⏸ Oui, mettre en attente")
    assert application(bot).state == "en_attente"
    told = candidate.texts()[-2:]
    assert "Il n'y a pas de place en ce moment." in told[0]
    assert "IS-2026-0001 reste sur notre liste" in told[0]
    assert "/statut" in told[1]
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert "⏸ En attente, décidé par Nadia" in card.text
    # From the waiting list, the card still offers an interview, acceptance or refusal.
    assert card.buttons() == [
        "📅 Convoquer à un entretien",
        "✅ Accepter",
        "❌ Refuser",
        "📝 Ajouter une note",
        "📄 Justificatif vu : RSA",
        "📄 Justificatif vu : QPV",
    ]


@pytest.mark.parametrize("reason", [r for r in REASONS if not r.note], ids=lambda r: r.id)
async def test_refusal_gives_its_reason_gently_and_contacts(bot: Bot, reason) -> None:  # type: ignore[no-untyped-def]
    candidate, staff = await filed(bot)
    await staff.tap("❌ Refuser")
    assert staff.buttons() == [r.label for r in REASONS] + ["◀️ Retour"]
    await staff.tap(reason.label)
    assert application(bot).state == "refusee"
    told = candidate.texts()[-2:]
    # The reason follows at once, said once (no "pour le moment" twice: issue 21, point 7).
    assert told[0] == f"Votre candidature IS-2026-0001 n'est pas retenue. {_shown(reason.text)}"
    assert "D'autres personnes peuvent vous aider" in told[1]
    assert "• France Travail : Pour chercher un travail ou une formation." in told[1]
    assert "📞 3949" in told[1]
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert f"❌ Refusée par Nadia le lundi 2 mars à 11 h. Motif : {reason.label}." in card.text
    assert bot.store.review(application(bot).id).reason == reason.id


async def test_a_doubt_on_eligibility_says_whom_to_see_and_that_she_may_apply_again(
    bot: Bot,
) -> None:
    candidate, staff = await filed(bot)
    await staff.tap("❌ Refuser")
    await staff.tap("Doute sur l'éligibilité")
    told = candidate.texts()[-2]
    assert "France Travail ou la mission locale peut vérifier votre situation avec vous." in told
    assert "une nouvelle candidature est la bienvenue" in told


async def test_refusal_other_asks_for_a_note_kept_inside_the_team(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    before = len(candidate.texts())
    await staff.tap("❌ Refuser")
    await staff.tap("Autre (avec une note)")
    assert "Écrivez la note du refus pour IS-2026-0001" in staff.last.text
    assert application(bot).state == "a_l_etude"  # nothing decided before the note
    assert len(candidate.texts()) == before
    await staff.send("x" * 5000)
    assert "C'est trop long (5000 caractères, 1000 au plus)" in staff.last.text
    await staff.send("Projet de formation en cours, revoir en septembre")
    assert "❌ Refus enregistré pour IS-2026-0001." in staff.last.text
    assert application(bot).state == "refusee"
    told = candidate.texts()[before:]
    assert len(told) == 2
    assert told[0] == (
        "Votre candidature IS-2026-0001 n'est pas retenue. "
        "Vous pouvez refaire une candidature plus tard."
    )
    assert "septembre" not in " ".join(told)
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert "Motif : Autre (avec une note)." in card.text
    assert "Note du refus : Projet de formation en cours" in card.text
    assert bot.store.staff_input(STAFF_ID) is None


async def test_a_note_is_an_audit_entry_shown_on_the_card(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    before = len(candidate.texts())
    await staff.tap("📝 Ajouter une note")
    assert "Écrivez la note pour IS-2026-0001" in staff.last.text
    await staff.send("/annuler")
    assert "c'est annulé" in staff.last.text
    await staff.tap("📝 Ajouter une note")
    await staff.send("A appelé, rappeler lundi matin")
    assert "📝 Note ajoutée à IS-2026-0001." in staff.last.text
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert "📝 Notes\n• lundi 2 mars 2026, Nadia : A appelé, rappeler lundi matin" in card.text
    notes = [e for e in bot.store.events(application(bot).id) if e["action"] == "note"]
    assert [(e["actor"], e["note"]) for e in notes] == [
        (f"staff:{STAFF_ID}", "A appelé, rappeler lundi matin")
    ]
    assert len(candidate.texts()) == before  # a note is not a decision
    assert application(bot).state == "a_l_etude"


async def test_two_staff_tapping_at_once_record_one_decision(bot: Bot) -> None:
    bot.settings = make_settings(
        bot.settings.database.parent, TREMPLIN_STAFF_IDS=f"{STAFF_ID},{OTHER_STAFF_ID}"
    )
    bot.api.known_chat(OTHER_STAFF_ID)
    await bot.restart()
    candidate = bot.chat()
    await file_application(candidate)
    staff, karim = nadia(bot), bot.chat(OTHER_STAFF_ID, "Karim")
    assert "IS-2026-0001" in karim.last.text  # each staff member got a card
    await staff.tap("✅ Accepter")
    await karim.tap("✅ Accepter")
    before = len(candidate.texts())
    # Both press before either sees the other's decision.
    presses = [
        (chat, *bot.api.find_button(chat.chat_id, "✅ Oui, accepter")) for chat in (staff, karim)
    ]
    await asyncio.gather(*(chat.tap_data(mid, data) for chat, mid, data in presses))
    decisions = [e for e in state_events(bot) if e[2] == "acceptee"]
    assert len(decisions) == 1
    winner = "Nadia" if decisions[0][0] == f"staff:{STAFF_ID}" else "Karim"
    loser = karim if winner == "Nadia" else staff
    assert loser.alerts[-1] == f"Déjà décidé par {winner} le lundi 2 mars à 10 h : ✅ acceptée."
    assert len(candidate.texts()) - before == 2  # one decision: one message (in two parts)
    # Both cards now show the decision, with only the note button left.
    for chat in (staff, karim):
        assert f"✅ Acceptée par {winner}" in chat.last.text
        assert chat.last.buttons() == ["📝 Ajouter une note"]


async def test_a_button_from_before_another_decision_is_stale(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    card = bot.api.last(STAFF_ID)
    refuse = card.callback_data("❌ Refuser")
    assert refuse is not None
    await staff.tap("⏸ Mettre en attente")
    await staff.tap("⏸ Oui, mettre en attente")
    before = len(candidate.texts())
    # "Refuser" is allowed from the waiting list, but this button predates that decision.
    await staff.tap_data(card.message_id, refuse)
    assert staff.alerts[-1].startswith("Déjà décidé par Nadia le lundi 2 mars à 11 h")
    await staff.tap_data(card.message_id, refuse.replace(":no", ":no.pas_de_poste"))
    assert application(bot).state == "en_attente"
    assert len(candidate.texts()) == before
    for data in ("s:999999.0:ok.y", "s:abc:ok", "s:1.1:bogus", "s:1.1:no.inconnu", "s:q:zz"):
        await staff.tap_data(card.message_id, data)
    assert staff.alerts[-5:] == [
        "Cette candidature n'existe plus.",
        "Ce bouton n'est plus valable.",
        "Ce bouton n'est plus valable.",
        "Ce bouton n'est plus valable.",
        "Ce bouton n'est plus valable.",
    ]
    assert application(bot).state == "en_attente"
    assert bot.api.unanswered_callbacks() == []


async def test_a_blocked_candidate_does_not_lose_the_decision(bot: Bot) -> None:
    _candidate, staff = await filed(bot)
    bot.api.block(CANDIDATE_ID)
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    assert application(bot).state == "acceptee"
    assert "⚠️ IS-2026-0001 : la personne n'a pas reçu le message" in staff.last.text
    assert "06 12 34 56 78" in staff.last.text


async def test_withdrawn_application_card_and_buttons(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    card = bot.api.last(STAFF_ID)
    await candidate.send("/retirer")
    await candidate.tap("Oui, je la retire")
    assert "↩️ Retirée par la personne" in bot.api.bot_messages(STAFF_ID)[0].text
    accept = card.callback_data("✅ Accepter")
    assert accept is not None
    await staff.tap_data(card.message_id, accept)
    assert staff.alerts[-1] == "La personne a retiré sa candidature."
    assert application(bot).state == "annulee"


async def test_convene_in_an_open_slot_books_a_seat_and_tells_the_candidate(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    start = datetime(2026, 3, 10, 13, 0, tzinfo=UTC)  # mardi 10 mars à 14 h, in Paris
    slot = bot.store.add_slot(start=start, seats=2, kind="entretien", place="Salle 2, au 1er étage")
    bot.store.add_slot(start=datetime(2026, 3, 12, 9, 0, tzinfo=UTC), seats=10)
    await staff.tap("📅 Convoquer à un entretien")
    assert staff.buttons() == [  # interviews only: information sessions are not offered
        "mardi 10 mars à 14 h · Entretien (2 pl.)",
        "✍️ Autre date",
        "◀️ Retour",
    ]
    before = len(candidate.texts())
    await staff.tap("mardi 10 mars à 14 h · Entretien (2 pl.)")
    assert application(bot).state == "entretien"
    told = candidate.texts()[before:]
    assert len(told) == 2
    assert "L'équipe vous invite à un entretien. C'est le mardi 10 mars à 14 h." in told[0]
    assert "📍 Le lieu : Salle 2, au 1er étage" in told[0]
    assert "Apportez, s'il vous plaît :" in told[1]
    assert "Une pièce d'identité ou un titre de séjour." in told[1]
    assert "Pour le RSA : votre attestation de la CAF, de moins de 3 mois." in told[1]
    # No phone in structure.toml: the front desk, with its address and hours, never an
    # empty "Prévenez l'équipe".
    assert told[1].endswith(
        "Vous ne pouvez pas venir ? Prévenez l'accueil : 95 boulevard Félix Faure, 93300 "
        "Aubervilliers. Du lundi au vendredi, de 9 h à 17 h."
    )
    booking = bot.store.active_booking(application(bot).id)
    assert booking is not None and booking[0].id == slot.id
    card = bot.api.bot_messages(STAFF_ID)[0]
    assert "📅 Entretien le mardi 10 mars à 14 h, Salle 2, au 1er étage." in card.text
    assert "📅 Changer le rendez-vous" in card.buttons()


async def test_a_full_slot_changes_nothing(bot: Bot) -> None:
    await file_as(bot, 1002, "Binta", "Camara")
    _candidate, staff = await filed(bot)
    slot = bot.store.add_slot(
        start=datetime(2026, 3, 10, 13, 0, tzinfo=UTC), seats=1, kind="entretien"
    )
    await staff.tap("📅 Convoquer à un entretien")  # on Awa's card (the newest)
    # Meanwhile the last seat goes to someone else.
    other = bot.store.applications_of(1002)[0]
    assert bot.store.book_seat(slot.id, other.id, now=bot.clock())
    await staff.tap("mardi 10 mars à 14 h · Entretien (1 pl.)")
    assert "Ce créneau n'est plus possible" in staff.alerts[-1]
    assert application(bot).state == "a_l_etude"
    assert bot.store.review(application(bot).id).version == 0
    assert bot.store.active_booking(application(bot).id) is None


async def test_convene_at_a_typed_date_then_move_it(bot: Bot) -> None:
    candidate, staff = await filed(bot)
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    assert "Écrivez la date et l'heure du rendez-vous pour IS-2026-0001" in staff.last.text
    await staff.send("demain")
    assert "Je n'ai pas compris la date" in staff.last.text
    await staff.send("01/02/2026 10:00")
    assert "Cette date est passée" in staff.last.text
    assert application(bot).state == "a_l_etude"
    await staff.send("12/03/2026 14:30")
    assert (
        "📅 Rendez-vous enregistré pour IS-2026-0001 : jeudi 12 mars à 14 h 30." in staff.last.text
    )
    told = candidate.texts()[-2:]
    assert "C'est le jeudi 12 mars à 14 h 30." in told[0]
    assert "Initiatives Solidaires, 95 boulevard Félix Faure" in told[0]
    review = bot.store.review(application(bot).id)
    assert review.interview_at == "2026-03-12T13:30:00+00:00" and review.version == 1
    # Moving it: "Changer le rendez-vous", a new date and a place.
    await staff.tap("📅 Changer le rendez-vous")
    await staff.tap("✍️ Autre date")
    await staff.send("13/03 9h, salle B")
    assert "C'est le vendredi 13 mars à 9 h." in candidate.texts()[-2]
    assert "📍 Le lieu : salle B" in candidate.texts()[-2]
    assert bot.store.review(application(bot).id).version == 2
    moves = [e for e in state_events(bot) if e[1] == "entretien" and e[2] == "entretien"]
    assert len(moves) == 1


async def test_decisions_survive_a_restart_and_old_cards_stay_editable(bot: Bot) -> None:
    _candidate, staff = await filed(bot)
    await staff.tap("❌ Refuser")
    await staff.tap("Autre (avec une note)")
    await bot.restart()  # the pending note is in SQLite
    staff = nadia(bot)
    await staff.send("Ne souhaite plus travailler en cuisine")
    assert application(bot).state == "refusee"
    assert "❌ Refusée par Nadia" in bot.api.bot_messages(STAFF_ID)[0].text


async def test_staff_member_name_is_not_in_the_audit(bot: Bot) -> None:
    _candidate, staff = await filed(bot)
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    for event in bot.store.events():
        assert "Nadia" not in str(event)
