"""Typed answers (issue #13), as people type them: a name in a sentence, a greeting after a
nudge, names in lower case, and the label of a button typed instead of tapped."""

from __future__ import annotations

import pytest

from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import AFTER_VERDICT, PROBABLE, play


async def _at_the_first_name(bot: Bot):  # type: ignore[no-untyped-def]
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:5])  # workshops, when to start
    assert "Quel est votre prénom ?" in chat.last.text
    return chat


def _answers(bot: Bot) -> dict:  # type: ignore[type-arg]
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None
    return draft.answers


# --- names ----------------------------------------------------------------------------------


async def test_a_name_said_in_a_sentence_is_proposed_not_kept(bot: Bot) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send("Je m'appelle Karim")
    assert chat.last.text == "Votre prénom est bien Karim ?"
    assert chat.buttons() == ["Oui", "Non"]
    assert "prenom" not in _answers(bot)
    await chat.tap("Oui")
    assert "Quel est votre nom de famille ?" in chat.last.text
    assert "✔️ Karim" in chat.last.text
    assert _answers(bot)["prenom"] == "Karim"


async def test_no_to_the_proposed_name_asks_again_with_an_example(bot: Bot) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send("bonjour, moi c'est karim")
    assert chat.last.text == "Votre prénom est bien Karim ?"
    await chat.tap("Non")
    assert "Écrivez seulement votre prénom, sans phrase. Par exemple : Awa." in chat.last.text
    assert "Quel est votre prénom ?" in chat.last.text
    assert "prenom" not in _answers(bot)
    await chat.send("Karima")
    assert _answers(bot)["prenom"] == "Karima"


async def test_oui_typed_under_the_proposed_name_counts(bot: Bot) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send("Je m'appelle Karim")
    await chat.send("oui")
    assert "Quel est votre nom de famille ?" in chat.last.text
    assert _answers(bot)["prenom"] == "Karim"
    # For the last name, the first name already given is left out of a full name.
    await chat.send("je m'appelle Karim Ben Salah")
    assert chat.last.text == "Votre nom de famille est bien Ben Salah ?"


async def test_bonjour_after_a_nudge_is_not_kept_as_the_last_name(bot: Bot) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send("Awa")
    assert "Quel est votre nom de famille ?" in chat.last.text
    sweep = bot.application.job_queue.get_jobs_by_name("drafts")[0]  # type: ignore[attr-defined]
    bot.clock.advance(hours=25)
    await sweep.run(bot.application)
    assert "Votre candidature n'est pas finie" in chat.last.text
    await chat.send("bonjour")
    assert chat.last.text == (
        "Bonjour ! Écrivez seulement votre nom de famille, sans phrase. Par exemple : Diallo."
    )
    assert "nom" not in _answers(bot)
    for sentence in ("Merci", "oui", "je ne sais pas", "c'est pour le travail"):
        await chat.send(sentence)
        assert "Écrivez seulement votre nom de famille" in chat.last.text, sentence
    assert "nom" not in _answers(bot)


async def test_a_long_message_of_letters_is_a_sentence_not_a_letters_problem(bot: Bot) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send("x" * 300)
    assert "Écrivez seulement votre prénom, sans phrase. Par exemple : Awa." in chat.last.text
    assert "seulement des lettres" not in chat.last.text
    await chat.send("je voudrais savoir si je peux travailler chez vous le matin")
    assert "Écrivez seulement votre prénom, sans phrase" in chat.last.text
    assert "prenom" not in _answers(bot)


@pytest.mark.parametrize(
    ("first", "last", "kept"),
    [
        ("karim", "ben salah", ("Karim", "Ben Salah")),
        ("jean-pierre", "n'diaye", ("Jean-Pierre", "N'Diaye")),
        ("AWA", "le gall", ("Awa", "Le Gall")),
        ("Marie", "de la fontaine", ("Marie", "De La Fontaine")),
        ("Awa", "McDonald", ("Awa", "McDonald")),  # capitals typed on purpose stay
    ],
)
async def test_names_are_kept_with_french_capitals(
    bot: Bot, first: str, last: str, kept: tuple[str, str]
) -> None:
    chat = await _at_the_first_name(bot)
    await chat.send(first)
    assert f"✔️ {kept[0]}" in chat.last.text
    await chat.send(last)
    await chat.share_contact()
    await play(chat, AFTER_VERDICT[-2:])  # no e-mail, the team will call
    assert f"{kept[0]} {kept[1]}" in chat.last.text or kept[1] in chat.last.text
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert (application.first_name, application.last_name) == kept


# --- a button's label typed instead of tapped ----------------------------------------------


async def test_typed_labels_and_variants_answer_choice_questions(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.send("34 ans")
    assert "Avez-vous le droit de travailler en France ?" in chat.last.text
    await chat.send("je sais pas")
    await chat.tap("Je veux bien répondre")
    await chat.send("Non.")  # RSA
    await chat.send("nsp")  # ASS
    await chat.send("  NAN ")  # AAH
    await chat.send("ouais")  # France Travail
    assert "Depuis combien de temps" in chat.last.text
    await chat.send("3 ans")  # plus de 2 ans: enough, the rest is skipped
    await chat.send("très peu")  # français
    await chat.send("c'est difficile !")  # mobilité
    await chat.send("J'sais pas")  # code postal
    answers = _answers(bot)
    assert answers["age"] == "26_49"
    assert answers["droit_travail"] == "nsp"
    assert (answers["rsa"], answers["ass"], answers["aah"]) == ("non", "nsp", "non")
    assert answers["inscrit_ft"] == "oui"
    assert answers["duree_ft"] == "plus2"
    assert answers["francais"] == "tres_peu"
    assert answers["mobilite"] == "difficile"
    assert answers["code_postal"] == "nsp"
    assert "Voici le résultat" in chat.last.text or "Étape 3 sur 8" in chat.last.text


@pytest.mark.parametrize(
    ("typed", "age"),
    [("16", "16_25"), ("j'ai 25 ans", "16_25"), ("50ans", "50plus"), ("26 à 49 ans", "26_49")],
)
async def test_an_age_typed_in_years_picks_its_range(bot: Bot, typed: str, age: str) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.send(typed)
    assert _answers(bot)["age"] == age


async def test_text_that_matches_no_button_keeps_the_kind_answer(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    for typed in ("peut-être", "200 ans", "oui mais non", "6 mois"):
        await chat.send(typed)
        assert "Je n'ai pas compris. Touchez un des boutons" in chat.texts()[-2], typed
        assert "Quel âge avez-vous ?" in chat.last.text
    assert "age" not in _answers(bot)
    # Typing never ends the journey: "non merci" is tapped.
    other = bot.chat(user_id=CANDIDATE_ID + 1)
    await other.send("/start")
    await other.send("non merci")
    assert "Étape 1 sur 8" in other.last.text
    assert bot.store.conversation(CANDIDATE_ID + 1) is not None


async def test_workshops_can_be_typed_by_name(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await chat.tap("Je préfère passer")  # the needs question
    await chat.send("valider")
    assert "Choisissez au moins un atelier" in chat.texts()[-2]
    await chat.send("Atelier bois")
    assert "Vos choix : 1. Atelier bois" in chat.last.text
    await chat.send("hotel, métallerie")
    assert "Vos choix : 1. Atelier bois, 2. Hôtel et restaurant, 3. Métallerie" in chat.last.text
    before = len(chat.texts())
    await chat.send("des fleurs")  # a short answer: the long message is just above
    assert chat.texts()[before:] == [
        "Je n'ai pas compris. Touchez un bouton du message au-dessus, s'il vous plaît."
    ]
    await chat.send("Valider mes choix")
    assert "Quand pouvez-vous commencer ?" in chat.last.text
    assert _answers(bot)["ateliers"] == ["bois", "hotellerie", "metallerie"]
