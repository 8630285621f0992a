"""The rendez-vous between the journey and the staff side (issue #13): the session a
candidate booked shows on her card and in the export, "Convoquer" offers interviews, a
typed interview date is told by /rdv and /statut, a seat tied to a workshop she no longer
wants is freed, an information session she no longer needs is freed (and she is told),
and the export's empty cells are empty."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from pathlib import Path

import openpyxl

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, make_settings
from tests.journeys import (
    add_slot,
    dialogs_with_phone,
    file_with_slot,
    finish_after_rendez_vous,
    label,
    nadia,
    reach_rendez_vous,
)

FREED = (
    "Votre place à la réunion d'information du jeudi 5 mars à 14 h est libérée : "
    "vous n'en avez plus besoin."
)


def _application(bot: Bot):  # type: ignore[no-untyped-def]
    found = bot.store.applications_of(CANDIDATE_ID)
    assert found
    return found[-1]


async def _file_without_slot(chat: Chat) -> None:
    await reach_rendez_vous(chat)
    await chat.tap("D'accord")  # no date open: the team will call
    await finish_after_rendez_vous(chat)


async def _sweep_outbox(bot: Bot) -> None:
    job = bot.application.job_queue.get_jobs_by_name("outbox:sweep")[0]  # type: ignore[attr-defined]
    await job.run(bot.application)


def _card(bot: Bot) -> str:
    return bot.api.bot_messages(STAFF_ID)[0].text


async def _export_rows(staff: Chat, fmt: str = "") -> list[dict[str, object]]:
    await staff.send(f"/export {fmt}".strip())
    data = staff.last.data
    assert data is not None
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
        return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    sheet = openpyxl.load_workbook(io.BytesIO(data))["Candidatures"]
    values = list(sheet.iter_rows(values_only=True))
    return [dict(zip(values[0], row, strict=True)) for row in values[1:]]


# --- 1. the booked session on the card and in the export ------------------------------------


async def test_the_session_she_booked_is_on_the_card_and_in_the_export(bot: Bot) -> None:
    session = add_slot(bot, days=3)  # jeudi 5 mars à 14 h
    await file_with_slot(bot.chat(), session)
    assert "📅 Réunion d'information : jeudi 5 mars à 14 h" in _card(bot)
    staff = nadia(bot)
    (row,) = await _export_rows(staff)
    assert row["Rendez-vous le"] == datetime(2026, 3, 5, 14, 0)  # Paris time
    assert row["Type de rendez-vous"] == "Réunion d'information"
    assert row["Lieu du rendez-vous"] == "95 boulevard Félix Faure, 93300 Aubervilliers"
    (line,) = await _export_rows(staff, "csv")
    assert line["Rendez-vous le"] == "05/03/2026 14:00"
    # Once she is invited to an interview, the column gives the interview.
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send("12/03/2026 14:30, salle B")
    (row,) = await _export_rows(staff)
    assert row["Rendez-vous le"] == datetime(2026, 3, 12, 14, 30)
    assert row["Type de rendez-vous"] == "Entretien"
    assert row["Lieu du rendez-vous"] == "salle B"


# --- 2. "Convoquer à un entretien" offers interviews ---------------------------------------


async def test_convene_offers_interview_slots_not_information_sessions(bot: Bot) -> None:
    session = add_slot(bot, days=3)
    add_slot(bot, days=4, kind="entretien", seats=2)
    other_session = add_slot(bot, days=5)
    await file_with_slot(bot.chat(), session)
    staff = nadia(bot)
    await staff.tap("📅 Convoquer à un entretien")
    assert staff.buttons() == [
        "vendredi 6 mars à 14 h · Entretien (2 pl.)",
        "✍️ Autre date",
        "◀️ Retour",
    ]
    # A button forged for an information session books nothing and decides nothing.
    card = bot.api.last(STAFF_ID)
    data = card.callback_data("✍️ Autre date")
    assert data is not None
    await staff.tap_data(card.message_id, data.replace("conv.date", f"conv.{other_session.id}"))
    assert staff.alerts[-1] == "Ce bouton n'est plus valable."
    assert _application(bot).state == "a_l_etude"
    assert bot.store.slot(other_session.id).taken == 0


# --- 3. a typed interview date, in /rdv and /statut -----------------------------------------


async def _convened_at_a_typed_date(bot: Bot, typed: str = "12/03/2026 14:30") -> Chat:
    candidate = bot.chat()
    await _file_without_slot(candidate)
    staff = nadia(bot)
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send(typed)
    return candidate


async def test_rdv_and_statut_give_a_typed_interview_date(bot: Bot) -> None:
    candidate = await _convened_at_a_typed_date(bot)
    await candidate.send("/rdv")
    text = candidate.last.text
    assert "Vous n'avez pas de rendez-vous" not in text
    assert "Votre rendez-vous : entretien, jeudi 12 mars à 14 h 30." in text
    assert "📍 Initiatives Solidaires, 95 boulevard Félix Faure, 93300 Aubervilliers" in text
    # No phone in structure.toml: she is told where to go instead.
    assert "Vous ne pouvez pas venir ?" in text
    assert "Prévenez l'accueil" in text and "Du lundi au vendredi" in text
    await candidate.send("/statut")
    text = candidate.last.text
    assert "jeudi 12 mars à 14 h 30" in text
    assert "95 boulevard Félix Faure" in text
    assert "Vous ne pouvez pas venir ?" in text


async def test_rdv_gives_the_structure_phone_when_it_is_set(bot: Bot, tmp_path: Path) -> None:
    dialogs = dialogs_with_phone(tmp_path, "01 48 00 00 00")
    bot.settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    await bot.restart()
    candidate = await _convened_at_a_typed_date(bot, "12/03/2026 14:30, salle B")
    for command in ("/rdv", "/statut"):
        await candidate.send(command)
        text = candidate.last.text
        assert "jeudi 12 mars à 14 h 30" in text, command
        assert "📍 salle B" in text, command
        assert "Vous ne pouvez pas venir ? Appelez l'équipe : 01 48 00 00 00." in text, command


# --- 4. a seat tied to a workshop she removed -----------------------------------------------


async def test_removing_the_workshop_of_the_booked_session_frees_it(bot: Bot) -> None:
    wood = add_slot(bot, days=3, workshop="bois")
    common = add_slot(bot, days=6)
    chat = bot.chat()
    await reach_rendez_vous(chat)  # wood and metalwork chosen
    await chat.tap(label(wood))
    assert "Vérifiez vos réponses" in chat.last.text
    assert bot.store.slot(wood.id).taken == 1
    await chat.tap("Modifier : Les ateliers")
    await chat.tap("✅ 1. Atelier bois")
    # The wood session is no longer hers: the seat is free, and she is told why.
    assert bot.store.slot(wood.id).taken == 0
    assert (
        "Votre place du jeudi 5 mars à 14 h est libérée. "
        "Cette date était pour l'atelier « Atelier bois »." in chat.last.text
    )
    await chat.tap("Valider mes choix")
    # The journey's rendez-vous step again, with the other dates.
    assert "Choisissez une date" in chat.last.text
    assert label(common) in chat.buttons()
    assert label(wood) not in chat.buttons()
    await chat.tap(label(common))
    assert "Vérifiez vos réponses" in chat.last.text
    await chat.tap("✅ Envoyer ma candidature")
    booking = bot.store.active_booking(_application(bot).id)
    assert booking is not None and booking[0].id == common.id


async def test_a_workshop_removed_then_back_to_the_summary_asks_the_date_again(
    bot: Bot,
) -> None:
    wood = add_slot(bot, days=3, workshop="bois")
    chat = bot.chat()
    await reach_rendez_vous(chat)
    await chat.tap(label(wood))
    await chat.tap("Modifier : Les ateliers")
    await chat.tap("✅ 1. Atelier bois")
    await chat.tap("◀️ Retour")
    assert bot.store.slot(wood.id).taken == 0
    await chat.tap("✅ Envoyer ma candidature")
    # The date was for wood: the journey's rendez-vous step comes again before sending.
    assert "L'équipe va vous appeler" in chat.last.text
    assert _application(bot).state == "brouillon"


# --- 5. an information session she no longer needs -----------------------------------------


async def test_accepting_frees_the_information_session_and_says_so(bot: Bot) -> None:
    session = add_slot(bot, days=3)
    candidate = bot.chat()
    await file_with_slot(candidate, session)
    staff = nadia(bot)
    before = len(candidate.texts())
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    told = candidate.texts()[before:]
    assert "L'équipe veut vous embaucher" in told[0]
    # Said in the decision's own message (issue 21), not in one of its own.
    assert len(told) == 2 and told[0].endswith(FREED)
    assert bot.store.slot(session.id).taken == 0
    assert bot.store.active_booking(_application(bot).id) is None
    assert "📅 Réunion d'information" not in _card(bot)
    # Owed with the decision (the outbox), delivered once: the sweep of what is owed, and
    # the one at the next start, send nothing more.
    assert bot.store.owed() == []
    await _sweep_outbox(bot)
    await bot.restart()
    await _sweep_outbox(bot)
    assert sum(FREED in text for text in candidate.texts()) == 1


async def test_a_blocked_candidate_still_has_her_seat_freed(bot: Bot) -> None:
    session = add_slot(bot, days=3)
    candidate = bot.chat()
    await file_with_slot(candidate, session)
    staff = nadia(bot)
    bot.api.block(CANDIDATE_ID)
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    # The seat is freed with the decision all the same; staff are asked to phone her.
    assert bot.store.slot(session.id).taken == 0
    assert "la personne n'a pas reçu le message" in staff.last.text
    assert not any(FREED in text for text in candidate.texts())


async def test_an_interview_frees_the_information_session_and_says_so(bot: Bot) -> None:
    session = add_slot(bot, days=3)
    interview = add_slot(bot, days=8, kind="entretien")
    candidate = bot.chat()
    await file_with_slot(candidate, session)
    staff = nadia(bot)
    before = len(candidate.texts())
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("mardi 10 mars à 14 h · Entretien (12 pl.)")
    told = candidate.texts()[before:]
    assert "L'équipe vous invite à un entretien" in told[0]
    assert told[0].endswith(FREED) and len(told) == 2
    assert bot.store.slot(session.id).taken == 0
    assert bot.store.slot(interview.id).taken == 1


async def test_a_typed_interview_date_frees_the_information_session(bot: Bot) -> None:
    session = add_slot(bot, days=3)
    candidate = bot.chat()
    await file_with_slot(candidate, session)
    staff = nadia(bot)
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send("12/03/2026 14:30")
    invitation = candidate.texts()[-2]
    assert "L'équipe vous invite à un entretien" in invitation and invitation.endswith(FREED)
    assert bot.store.slot(session.id).taken == 0
    await candidate.send("/rdv")
    assert "entretien, jeudi 12 mars à 14 h 30" in candidate.last.text


# --- 6. empty cells in the export -----------------------------------------------------------


async def test_empty_cells_are_empty_and_formulas_stay_text(bot: Bot) -> None:
    await _file_without_slot(bot.chat())
    staff = nadia(bot)
    await staff.tap("📅 Convoquer à un entretien")
    await staff.tap("✍️ Autre date")
    await staff.send('12/03/2026 14:30, =HYPERLINK("http://x.example")')  # a typed place
    # Stored before the checks of today (the journey refuses such an e-mail now).
    bot.store.db.execute(
        "UPDATE applications SET email = ? WHERE user_id = ?", ["\t=1+1", CANDIDATE_ID]
    )
    (row,) = await _export_rows(staff)
    assert row["Orienteur"] is None and row["Motif de refus"] is None  # empty cells
    assert all(value != "'" for value in row.values())
    assert row["Lieu du rendez-vous"] == '\'=HYPERLINK("http://x.example")'
    (line,) = await _export_rows(staff, "csv")
    assert line["Orienteur"] == "" and line["Motif de refus"] == ""
    assert all(value != "'" for value in line.values())
    assert line["Lieu du rendez-vous"] == '\'=HYPERLINK("http://x.example")'
    assert line["E-mail"] == "'\t=1+1"  # a tab first: run by some spreadsheets, kept as text
