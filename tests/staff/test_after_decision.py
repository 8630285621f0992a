"""After a staff decision or a withdrawal (issue 21, points 1, 3 and 7): the same message says
what becomes of the rendez-vous she booked; /rdv, /statut and /start then say the same thing;
what to bring is her own list, said once; no decision text says the same thing twice."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from bot.core.rules import standing
from bot.core.settings import PROJECT_ROOT
from bot.core.states import State
from bot.staff.dialogs import load_staff_dialogs
from localapi import Chat
from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import (
    A_CONFIRMER,
    NEEDS_SKIPPED,
    add_slot,
    file_application,
    file_with_slot,
    label,
    nadia,
    play,
)


def _shown(text: str) -> str:
    """A reason's text as the candidate reads it: the structure's town filled in."""
    return text.replace("{city}", "Aubervilliers")


REASONS = load_staff_dialogs(PROJECT_ROOT / "dialogs").reasons
SESSION = "jeudi 5 mars à 14 h"  # add_slot(bot, days=3)
CANCELLED = f"Votre réunion d'information du {SESSION} est annulée."
KEPT = f"Votre réunion d'information du {SESSION} reste prévue."
NO_APPLICATION = "Vous n'avez pas de candidature"
NO_RENDEZ_VOUS = "Vous n'avez pas de rendez-vous."
APPLY_AGAIN = "Pour faire une nouvelle candidature, touchez /start."


def _application(bot: Bot):  # type: ignore[no-untyped-def]
    return bot.store.applications_of(CANDIDATE_ID)[-1]


async def _booked(bot: Bot) -> tuple[Chat, Chat, int]:
    """Awa filed with a seat at the information session of jeudi 5 mars; Nadia's card."""
    session = add_slot(bot, days=3)
    candidate = bot.chat()
    await file_with_slot(candidate, session)
    assert bot.store.slot(session.id).taken == 1
    bot.clock.advance(hours=1)
    return candidate, nadia(bot), session.id


async def _refuse(staff: Chat, reason_label: str) -> None:
    await staff.tap("❌ Refuser")
    await staff.tap(reason_label)
    if reason_label.startswith("Autre"):
        await staff.send("Projet de formation en cours")


async def _three_commands(candidate: Chat) -> tuple[str, str, list[str]]:
    """What /rdv, /statut and /start say now (every message /start sends)."""
    await candidate.send("/rdv")
    rdv = candidate.last.text
    await candidate.send("/statut")
    status = candidate.last.text
    before = len(candidate.texts())
    await candidate.send("/start")
    return rdv, status, candidate.texts()[before:]


# --- 1. what becomes of the booked session, and the three commands agree ---------------------


@pytest.mark.parametrize("reason", REASONS, ids=lambda r: r.id)
async def test_a_refusal_says_the_session_is_cancelled_and_the_commands_agree(
    bot: Bot,
    reason,  # type: ignore[no-untyped-def]
) -> None:
    candidate, staff, slot_id = await _booked(bot)
    before = len(candidate.texts())
    await _refuse(staff, reason.label)
    assert _application(bot).state == "refusee"
    told = candidate.texts()[before:]
    assert len(told) == 2
    # In the refusal's own message, right after the reason.
    assert told[0] == (
        f"Votre candidature IS-2026-0001 n'est pas retenue. {_shown(reason.text)}\n{CANCELLED}"
    )
    # The seat is free again, in the database.
    assert bot.store.slot(slot_id).taken == 0
    assert bot.store.active_booking(_application(bot).id) is None
    rdv, status, start = await _three_commands(candidate)
    refused = "Votre candidature IS-2026-0001 n'est pas retenue."
    for said in (rdv, status, start[0]):
        assert refused in said
        assert NO_APPLICATION not in said
    assert NO_RENDEZ_VOUS in rdv and NO_RENDEZ_VOUS in status
    assert APPLY_AGAIN in rdv and APPLY_AGAIN in status
    # /start says it the same way, then welcomes a new application.
    assert start[0].endswith("Vous pouvez faire une nouvelle candidature.")
    assert start[1].startswith("Bonjour, je suis un robot : ici, c'est Initiatives Solidaires")
    # Said once: a sweep of what is owed, and a restart, send nothing more.
    await bot.restart()
    job = bot.application.job_queue.get_jobs_by_name("outbox:sweep")[0]  # type: ignore[attr-defined]
    await job.run(bot.application)
    assert sum(CANCELLED in text for text in candidate.texts()) == 1


async def test_the_waiting_list_keeps_the_session_and_says_so(bot: Bot) -> None:
    candidate, staff, slot_id = await _booked(bot)
    await staff.tap("⏸ Mettre en attente")
    await staff.tap("⏸ Oui, mettre en attente")
    told = candidate.texts()[-2:]
    assert told[0].startswith("Il n'y a pas de place en ce moment.")
    assert told[0].endswith(KEPT)
    assert bot.store.slot(slot_id).taken == 1
    rdv, status, start = await _three_commands(candidate)
    moment = f"Votre rendez-vous : réunion d'information, {SESSION}."
    for said in (rdv, status, start[-1]):
        assert moment in said
        assert NO_RENDEZ_VOUS not in said
    assert "reste sur la liste" in status and "reste sur la liste" in start[-1]
    assert start[-1].startswith("Vous avez déjà une candidature.")


async def test_accepted_frees_the_session_and_the_commands_offer_no_date(bot: Bot) -> None:
    candidate, staff, slot_id = await _booked(bot)
    add_slot(bot, days=6)  # another open date, not for someone hired
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    assert bot.store.slot(slot_id).taken == 0
    rdv, status, start = await _three_commands(candidate)
    for said in (rdv, status, start[-1]):
        assert "L'équipe veut vous embaucher" in said
        assert NO_RENDEZ_VOUS in said
    assert candidate.last.buttons() == []  # no dates to choose after /start either
    assert "Aucune de ces dates" not in rdv


async def test_a_withdrawal_says_the_session_is_cancelled_and_the_commands_agree(
    bot: Bot,
) -> None:
    candidate, _staff, slot_id = await _booked(bot)
    await candidate.send("/retirer")
    await candidate.tap("Oui, je la retire")
    assert candidate.last.text == "\n".join(
        [
            "C'est fait. Votre candidature est retirée.",
            CANCELLED,
            "Vous pouvez revenir quand vous voulez avec /start.",
        ]
    )
    assert bot.store.slot(slot_id).taken == 0
    rdv, status, start = await _three_commands(candidate)
    withdrawn = "Vous avez retiré votre candidature IS-2026-0001."
    for said in (rdv, status, start[0]):
        assert withdrawn in said
        assert NO_APPLICATION not in said
    assert APPLY_AGAIN in rdv and APPLY_AGAIN in status


async def test_with_no_session_booked_nothing_is_said_of_one(bot: Bot) -> None:
    candidate = bot.chat()
    await file_application(candidate)  # no open date: the team will call
    await candidate.send("/retirer")
    await candidate.tap("Oui, je la retire")
    assert candidate.last.text == (
        "C'est fait. Votre candidature est retirée.\n"
        "Vous pouvez revenir quand vous voulez avec /start."
    )


@pytest.mark.parametrize(
    ("facts", "rendez_vous", "then", "start"),
    [
        (standing.Facts(None), "", "", standing.BEGIN),
        (standing.Facts(State.DRAFT, session=True), "", "", standing.RESUME),
        (
            standing.Facts(State.NEW, open_dates=True),
            standing.NO_RENDEZ_VOUS,
            standing.OFFER_DATES,
            standing.SHOW,
        ),
        (standing.Facts(State.WAITING, session=True), standing.SESSION, "", standing.SHOW),
        (
            standing.Facts(State.INTERVIEW, typed_interview=True),
            standing.INTERVIEW,
            "",
            standing.SHOW,
        ),
        (
            standing.Facts(State.INTERVIEW, open_dates=True),
            standing.NO_RENDEZ_VOUS,
            standing.TEAM_WILL_CALL,
            standing.SHOW,
        ),
        (
            standing.Facts(State.ACCEPTED, open_dates=True),
            standing.NO_RENDEZ_VOUS,
            "",
            standing.SHOW,
        ),
        (
            standing.Facts(State.REFUSED, session=True, open_dates=True),
            standing.NO_RENDEZ_VOUS,
            standing.APPLY_AGAIN,
            standing.BEGIN_AGAIN,
        ),
        (
            standing.Facts(State.CANCELLED),
            standing.NO_RENDEZ_VOUS,
            standing.APPLY_AGAIN,
            standing.BEGIN_AGAIN,
        ),
    ],
)
def test_the_one_rule_of_what_the_commands_say(
    facts: standing.Facts, rendez_vous: str, then: str, start: str
) -> None:
    said = standing.standing(facts)
    assert (said.rendez_vous, said.then, said.start) == (rendez_vous, then, start)
    assert said.state == facts.state


# --- 3. what to bring: her own list, once ------------------------------------------------------

IDENTITY = "• Une pièce d'identité ou un titre de séjour."
ADDRESS = "• Pour votre adresse : une facture ou un papier avec votre adresse, de moins de 3 mois."
ASS = "• Pour l'ASS : votre attestation de France Travail, de moins de 3 mois."
BENEFITS = ("Pour le RSA", "Pour l'ASS", "Pour l'AAH", "Pour le handicap", "Pour la justice")
# "Je préfère passer" at the questions on benefits and health; Paris 11e (QPV to check).
PASSES = A_CONFIRMER
# "Non" to the RSA and the AAH, "Je ne sais pas" to the ASS.
ASS_UNSURE = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Oui"),
    ("tap", "Je veux bien répondre"),
    ("tap", "Non"),  # RSA
    ("tap", "Je ne sais pas"),  # ASS
    ("tap", "Non"),  # AAH
    ("tap", "Non"),  # inscrit France Travail
    ("tap", "Non"),  # RQTH
    ("tap", "Bac ou plus"),
    ("tap", "Non"),  # parent seul
    ("tap", "Dans mon logement"),
    ("tap", "Non"),  # réfugié
    ("tap", "Non"),  # justice
    ("tap", "Bien"),
    ("tap", "Oui"),
    ("send", "75011"),
]
AFTER = [
    NEEDS_SKIPPED,
    ("tap", "Atelier bois"),
    ("tap", "Valider mes choix"),
    ("tap", "Tout de suite"),
    ("send", "Awa"),
    ("send", "Diallo"),
    ("contact", "+33612345678"),
    ("tap", "Passer"),
]


async def _file(chat: Chat, answers: list[tuple[str, str]], date: str) -> None:
    await chat.send("/start")
    await play(chat, answers)
    await chat.tap("Continuer")
    await play(chat, AFTER)
    await chat.tap(date)
    await chat.tap("✅ Envoyer ma candidature")


def _lists(texts: list[str]) -> list[str]:
    return [t for t in texts if IDENTITY in t]


async def test_after_passing_and_no_date_the_list_is_for_the_call_and_said_once(
    bot: Bot,
) -> None:
    session = add_slot(bot, days=3)
    candidate = bot.chat()
    await _file(candidate, PASSES, "Aucune de ces dates")
    texts = candidate.texts()
    (told,) = _lists(texts)  # once, not twice back to back
    assert told == "\n".join(["À apporter quand l'équipe vous appellera :", IDENTITY, ADDRESS])
    assert not any(benefit in text for text in texts for benefit in BENEFITS)
    assert not any("au rendez-vous" in text for text in texts)
    # /rdv offers the open date, and no list yet: it comes with the date she takes.
    await candidate.send("/rdv")
    assert IDENTITY not in candidate.last.text
    before = len(candidate.texts())
    await candidate.tap(label(session))
    (confirmation,) = _lists(candidate.texts()[before:])
    assert f"À apporter :\n{IDENTITY}\n{ADDRESS}" in confirmation
    assert not any(benefit in confirmation for benefit in BENEFITS)
    # The evening before, the reminder has the same list.
    booking = bot.store.active_booking_of(_application(bot).id)
    assert booking is not None
    bot.clock.now = session.start - timedelta(hours=20)
    jobs = bot.application.job_queue.get_jobs_by_name(f"reminder:{booking.id}:veille")  # type: ignore[attr-defined]
    await jobs[0].run(bot.application)
    reminder = candidate.texts()[-1]
    assert f"À apporter :\n{IDENTITY}\n{ADDRESS}" in reminder
    assert not any(benefit in reminder for benefit in BENEFITS)


async def test_only_oui_and_je_ne_sais_pas_bring_a_proof_everywhere(bot: Bot) -> None:
    add_slot(bot, days=3)
    candidate = bot.chat()
    await _file(candidate, ASS_UNSURE, "Aucune de ces dates")
    expected = f"{IDENTITY}\n{ASS}\n{ADDRESS}"
    (told,) = _lists(candidate.texts())
    assert told == f"À apporter quand l'équipe vous appellera :\n{expected}"
    # The interview invitation: the same list.
    staff = nadia(bot)
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send("12/03/2026 14:30")
    invitation = candidate.texts()[-1]
    assert f"Apportez, s'il vous plaît :\n{expected}" in invitation
    assert "Pour le RSA" not in invitation and "Pour l'AAH" not in invitation
    # /rdv with the interview: the list for the rendez-vous.
    await candidate.send("/rdv")
    assert f"À apporter :\n{expected}" in candidate.last.text


async def test_without_an_open_date_rdv_says_the_list_is_for_the_call(bot: Bot) -> None:
    candidate = bot.chat()
    await file_application(candidate)  # RSA "oui"; no open date: "D'accord"
    (told,) = _lists(candidate.texts())
    assert told.startswith("À apporter quand l'équipe vous appellera :")
    await candidate.send("/rdv")
    text = candidate.last.text
    assert NO_RENDEZ_VOUS in text and "L'équipe va vous appeler" in text
    assert "À apporter quand l'équipe vous appellera :" in text
    assert "Pour le RSA : votre attestation de la CAF" in text


# --- 7. no decision text says the same thing twice --------------------------------------------


def _repeated(text: str) -> set[str]:
    """Groups of three words said twice in one message (dates aside: two rendez-vous may
    both be at 14 h; the bullets of what to bring aside)."""
    text = "\n".join(line for line in text.splitlines() if not line.startswith("• "))
    text = re.sub(r"(lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche) [^.:,]*? h\b", "", text)
    words = re.findall(r"[\w']+", text.lower())
    seen: set[tuple[str, ...]] = set()
    twice = set()
    for i in range(len(words) - 2):
        group = tuple(words[i : i + 3])
        if group in seen:
            twice.add(" ".join(group))
        seen.add(group)
    return twice


@pytest.mark.parametrize(
    "decision",
    ["accept", "wait", "interview", *(r.label for r in REASONS)],
)
async def test_no_decision_message_says_the_same_thing_twice(bot: Bot, decision: str) -> None:
    candidate, staff, _slot = await _booked(bot)
    add_slot(bot, days=8, kind="entretien")
    before = len(candidate.texts())
    if decision == "accept":
        await staff.tap("✅ Accepter")
        await staff.tap("✅ Oui, accepter")
    elif decision == "wait":
        await staff.tap("⏸ Mettre en attente")
        await staff.tap("⏸ Oui, mettre en attente")
    elif decision == "interview":
        await staff.tap("📅 Convoquer à un entretien")
        await staff.tap("mardi 10 mars à 14 h · Entretien (12 pl.)")
    else:
        await _refuse(staff, decision)
    told = candidate.texts()[before:]
    assert told
    # Every message but the contacts after a refusal (data of structure.toml); the list of
    # what to bring aside (one line per thing, "de moins de 3 mois" in several).
    for text in told[:1] if decision not in ("interview", "accept", "wait") else told:
        assert _repeated(text) == set(), text
    # The withdrawal's message too.
    if decision == "wait":
        await candidate.send("/retirer")
        await candidate.tap("Oui, je la retire")
        assert _repeated(candidate.last.text) == set()
