"""Issue 21, points 5 and 8, played as a candidate would: "Je ne sais pas" where it was
missing (family, housing, the workshops), typed or tapped; and the summary's "✏️" buttons,
each the question's short label, never a question cut in the middle."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot, make_settings
from tests.journeys import AFTER_VERDICT, PROBABLE, nadia, play, reach_summary

CHECK = "a_verifier"
# 26–49, right to work, every benefit "Non", up to the family question.
TO_THE_FAMILY = [
    ("tap", "J'accepte"),
    ("tap", "26 à 49 ans"),
    ("tap", "Oui"),
    ("tap", "Je veux bien répondre"),
    ("tap", "Non"),  # RSA
    ("tap", "Non"),  # ASS
    ("tap", "Non"),  # AAH
    ("tap", "Non"),  # France Travail
    ("tap", "Non"),  # RQTH
    ("tap", "Bac ou plus"),
]
AFTER_HOUSING = [
    ("tap", "Non"),  # réfugié
    ("tap", "Non"),  # justice
    ("tap", "Bien"),
    ("tap", "Oui"),
    ("send", "77000"),
]
FAMILY = "Vivez-vous seul ou seule avec vos enfants ?"
HOUSING = "Où dormez-vous en ce moment ?"
WORKSHOPS = "Quels ateliers vous intéressent ?"
FAMILY_PROOF = "Pour votre famille : votre attestation de la CAF, de moins de 3 mois."
HOUSING_PROOF = "Pour votre logement : une lettre du foyer ou de l'association"
SHORT_ANSWER = "Je n'ai pas compris. Touchez un bouton du message au-dessus, s'il vous plaît."


def _answers(bot: Bot) -> dict:  # type: ignore[type-arg]
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None
    return draft.answers


async def test_not_knowing_family_housing_and_workshops_is_to_confirm(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, TO_THE_FAMILY)
    assert FAMILY in chat.last.text
    assert chat.buttons()[:3] == ["Oui", "Non", "Je ne sais pas"]
    await chat.tap("Je ne sais pas")
    assert HOUSING in chat.last.text
    assert "Je ne sais pas" in chat.buttons()
    await chat.tap("Je ne sais pas")
    await play(chat, AFTER_HOUSING)
    # Two criteria to check, none met: to confirm with the team, never "pas pour vous".
    assert "Vous pouvez peut-être avoir ce travail. L'équipe vérifiera avec vous." in (
        chat.last.text
    )
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    assert WORKSHOPS in chat.last.text
    assert "Si vous ne savez pas encore, touchez « Je ne sais pas »" in chat.last.text
    await chat.tap("Je ne sais pas")
    assert "✔️ Je ne sais pas" in chat.last.text
    assert "Quand pouvez-vous commencer ?" in chat.last.text
    assert _answers(bot)["ateliers"] == "nsp"
    await play(chat, AFTER_VERDICT[4:])  # when to start, name, phone, e-mail, rendez-vous
    assert "Ateliers choisis : Je ne sais pas" in chat.last.text
    before = len(chat.texts())
    await chat.tap("✅ Envoyer ma candidature")
    told = "\n".join(chat.texts()[before - 1 :])
    assert FAMILY_PROOF in told and HOUSING_PROOF in told  # the proofs go on the list
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.verdict == "a_confirmer"
    assert application.criteria == {"parent_isole": CHECK, "hebergement": CHECK}
    assert application.workshops == []
    card = bot.api.last(STAFF_ID).text
    assert "❓ Parent isolé (à vérifier)" in card
    assert "❓ Sans hébergement, hébergé ou parcours de rue (à vérifier)" in card
    assert "Ateliers : 🧭 ne sait pas encore, l'équipe doit la conseiller" in card


@pytest.mark.parametrize("typed", ["je sais pas", "jsp", "je ne sais pas", "sais pas"])
async def test_i_dont_know_typed_is_understood_wherever_the_button_is(bot: Bot, typed: str) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, TO_THE_FAMILY)
    await chat.send(typed)
    assert HOUSING in chat.last.text
    await chat.send(typed.upper())
    assert "Avez-vous le statut de réfugié ?" in chat.last.text
    assert _answers(bot)["parent_seul"] == "nsp"
    assert _answers(bot)["logement"] == "nsp"
    await play(chat, AFTER_HOUSING)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    await chat.send(typed)
    assert "Quand pouvez-vous commencer ?" in chat.last.text
    assert _answers(bot)["ateliers"] == "nsp"


async def test_text_not_understood_at_the_workshops_gets_a_short_answer(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    before = len(chat.texts())
    await chat.send("je sais pas trop quoi choisir")
    assert chat.texts()[before:] == [SHORT_ANSWER]  # not the whole list of workshops again
    await chat.tap("🔁 Revoir le message")
    assert WORKSHOPS in chat.last.text
    assert "ateliers" not in _answers(bot)


async def test_workshops_chosen_after_all_from_the_summary(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    await chat.tap("Je ne sais pas")
    await play(chat, AFTER_VERDICT[4:])
    await chat.tap("Modifier : Les ateliers")
    assert "✓ Je ne sais pas" in chat.buttons()
    await chat.tap("Atelier bois")
    assert "Vos choix : 1. Atelier bois" in chat.last.text
    await chat.tap("Valider mes choix")
    assert "Ateliers choisis : 1. Atelier bois" in chat.last.text
    await chat.tap("✅ Envoyer ma candidature")
    assert bot.store.applications_of(CANDIDATE_ID)[0].workshops == ["bois"]
    assert "Ateliers : 1. Atelier bois" in bot.api.last(STAFF_ID).text


# --- point 8: the edit buttons -----------------------------------------------------------------


async def test_edit_buttons_are_the_short_labels_never_cut(bot: Bot) -> None:
    chat = bot.chat()
    await reach_summary(chat)
    labels: list[str] = []
    for part in ("Votre situation", "Vos coordonnées"):
        await chat.tap(f"Modifier : {part}")
        labels += [b for b in chat.buttons() if b.startswith("✏️")]
        await chat.tap("◀️ Retour au résumé")
    assert "✏️ Droit de travailler en France" in labels  # was "✏️ Avez-vous le droit de…"
    assert "✏️ Venir à Aubervilliers" in labels
    assert "✏️ Votre nom de famille" in labels
    for label in labels:
        assert len(label) <= 32 and not label.endswith("…"), label
    await chat.tap("Modifier : Votre situation")
    await chat.tap("✏️ Droit de travailler en France")
    assert "Avez-vous le droit de travailler en France ?" in chat.last.text


async def test_a_question_without_a_short_label_falls_back_to_a_short_cut(
    bot: Bot, tmp_path: Path
) -> None:
    dialogs = tmp_path / "dialogs"
    shutil.copytree(PROJECT_ROOT / "dialogs", dialogs)
    journey = dialogs / "journey.toml"
    text = journey.read_text(encoding="utf-8")
    journey.write_text(
        text.replace('short = "Droit de travailler en France"\n', ""), encoding="utf-8"
    )
    bot.settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    await bot.restart()
    chat = bot.chat()
    await reach_summary(chat)
    await chat.tap("Modifier : Votre situation")
    cut = next(b for b in chat.buttons() if b.startswith("✏️ Avez-vous le droit"))
    assert len(cut) <= 32 and cut.endswith("…")
    await chat.tap(cut)
    assert "Avez-vous le droit de travailler en France ?" in chat.last.text


async def test_staff_recording_voices_see_the_questions_by_their_short_labels(bot: Bot) -> None:
    staff = nadia(bot)
    await staff.send("/voix")
    await staff.tap("English")
    assert "Droit de travailler en France" in staff.buttons()
    assert not any(b.startswith("Avez-vous le droit de travailler") for b in staff.buttons())
    await staff.tap("Droit de travailler en France")
    assert "🎙 Droit de travailler en France" in staff.last.text
