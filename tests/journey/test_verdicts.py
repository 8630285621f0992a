"""Issue 13: verdicts people can trust, played as real candidates through the local Bot API.

One table: the answers → what the person reads at the result → the criteria met and to
check → what the staff card shows first. Then the answers that decide (no right to work,
under 16) and the staff's "Accepter" on an application whose answers block.
"""

from __future__ import annotations

import pytest

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import AFTER_VERDICT, file_application, play

MET, CHECK = "rempli", "a_verifier"
SKIPPED = dict.fromkeys(("rsa", "ass", "aah", "th", "justice"), CHECK)

# 26–49, right to work, skips the sensitive questions, not registered, no other criterion
PRIVATE_ADULT = [
    "26 à 49 ans",
    "Oui",
    "Je préfère passer",
    "Non",
    "Bac ou plus",
    "Non",
    "Dans mon logement",
    "Non",
]

# name, answers up to the result, words read at the result, criteria, first card line
CASES = [
    (
        "RSA recipient who protects her privacy",
        [
            *PRIVATE_ADULT,
            "Bien",
            "Oui",
            "send:75011",
        ],
        ["Vous pouvez peut-être avoir ce travail.", "L'équipe vérifiera avec vous."],
        {**SKIPPED, "qpv": CHECK},
        "🔒 N'a pas voulu répondre aux questions sur les aides et la santé",
    ),
    (
        "unsure of the right to work, RSA",
        [
            "26 à 49 ans",
            "Je ne sais pas",
            "Je veux bien répondre",
            "Oui",
            "Non",
            "Bien",
            "Oui",
            "93300 Aubervilliers",
        ],
        ["Vous pouvez peut-être avoir ce travail.", "Il faut vérifier votre droit de travailler"],
        {"rsa": MET, "qpv": CHECK},
        "❓ Ne sait pas si le droit de travailler en France est acquis",
    ),
    (
        "registered two years and more: DETLD, with a counsellor",
        [
            "26 à 49 ans",
            "Oui",
            "Je veux bien répondre",
            "Non",
            "Non",
            "Non",
            "Oui",
            "2 ans ou plus",
            "Bien",
            "Oui",
            "send:77000",
        ],
        ["Bonne nouvelle ! Vous pouvez sans doute avoir ce travail."],
        {"detld": MET},
        None,
    ),
    (
        "registered 1 to 2 years, a little French: DELD + French to check",
        [
            "26 à 49 ans",
            "Oui",
            "Je veux bien répondre",
            "Non",
            "Non",
            "Non",
            "Oui",
            "1 à 2 ans",
            "Non",
            "Bac ou plus",
            "Non",
            "Dans mon logement",
            "Non",
            "Non",
            "Un peu",
            "Oui",
            "send:77000",
        ],
        ["Vous pouvez peut-être avoir ce travail.", "C'est à confirmer avec votre conseiller"],
        {"deld": MET, "francais": CHECK},
        None,
    ),
    (
        "very little French, young, no diploma: three level-2 criteria",
        [
            "16 à 25 ans",
            "Oui",
            "Je préfère passer",
            "Non",
            "Pas de diplôme",
            "Non",
            "Dans mon logement",
            "Non",
            "Non",
            "Très peu",
            "Oui",
            "send:77000",
        ],
        ["Bonne nouvelle ! Vous pouvez sans doute avoir ce travail."],
        {**SKIPPED, "jeune": MET, "niveau_etude": MET, "francais": MET},
        "🔒 N'a pas voulu répondre",
    ),
    (
        "a Montreuil postcode is a priority area to check",
        [
            "50 ans ou plus",
            "Oui",
            "Je veux bien répondre",
            "Non",
            "Non",
            "Non",
            "Non",
            "Non",
            "Bac ou plus",
            "Non",
            "Dans mon logement",
            "Non",
            "Non",
            "Bien",
            "Oui",
            "send:93100",
        ],
        ["Vous pouvez peut-être avoir ce travail.", "L'équipe vérifiera avec vous."],
        {"senior": MET, "qpv": CHECK},
        None,
    ),
]


async def answer(chat: Chat, answers: list[str]) -> None:
    await chat.send("/start")
    await chat.tap("J'accepte")
    for value in answers:
        if value.startswith("send:"):
            await chat.send(value.removeprefix("send:"))
        else:
            await chat.tap(value)


@pytest.mark.parametrize(("name", "answers", "read", "criteria", "first"), CASES)
async def test_verdict_table(
    bot: Bot,
    name: str,
    answers: list[str],
    read: list[str],
    criteria: dict[str, str],
    first: str | None,
) -> None:
    chat = bot.chat()
    await answer(chat, answers)
    result = chat.last.text
    assert "Étape 3 sur 8 · Le résultat" in result, (name, result)
    for words in read:
        assert words in result, (name, words, result)
    assert "pas pour vous" not in result
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT)
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.criteria == criteria, name
    card = bot.api.bot_messages(STAFF_ID)[-1].text
    lines = card.splitlines()
    assert lines[0].startswith("📋 Candidature IS-2026-0001 · Awa Diallo")
    if first is not None:
        assert lines[1].startswith(first), (name, card)
    else:
        assert not lines[1].startswith(("⛔", "❓", "🔒")), (name, card)
    assert "Orientée par : sans orienteur" in card


async def test_ase_is_asked_only_of_young_adults(bot: Bot) -> None:
    chat = bot.chat()
    await answer(chat, PRIVATE_ADULT)
    assert "Comment parlez-vous français ?" in chat.last.text  # no ASE question at 26–49
    young = bot.chat(2002, "Binta")
    await answer(young, ["16 à 25 ans", *PRIVATE_ADULT[1:]])
    assert "l'aide sociale à l'enfance (ASE)" in young.last.text


async def test_the_registration_question_is_about_france_travail_only_if_registered(
    bot: Bot,
) -> None:
    chat = bot.chat()
    await answer(chat, ["26 à 49 ans", "Oui", "Je veux bien répondre", "Non", "Non", "Non"])
    assert "Êtes-vous inscrit ou inscrite à France Travail ?" in chat.last.text
    await chat.tap("Oui")
    assert "Depuis combien de temps êtes-vous inscrit ou inscrite à France Travail ?" in (
        chat.last.text
    )
    assert "pas le temps de recherche" in chat.last.text
    await chat.tap("◀️ Retour")
    await chat.tap("Non")
    assert "Depuis combien de temps" not in chat.last.text


async def test_no_right_to_work_ends_the_questions_at_once_and_says_what_helps(bot: Bot) -> None:
    chat = bot.chat()
    await answer(chat, ["26 à 49 ans", "Non"])
    await chat.tap("Je préfère passer")  # the needs question below the dead end
    text = chat.last.text
    assert "Étape 3 sur 8 · Le résultat" in text  # no aids, health, housing… questions
    assert "il faut avoir le droit de travailler en France" in text
    assert "La préfecture ou une association qui aide pour les papiers" in text
    assert "Si votre situation change, revenez nous voir." in text
    assert chat.buttons() == ["L'équipe peut m'appeler", "Non merci", "◀️ Retour"]
    # Back, and a change of answer, brings the questions back.
    await chat.tap("◀️ Retour")
    await chat.tap("Oui")
    assert "aides et de votre santé" in chat.last.text


async def test_a_child_under_16_is_stopped_at_once_and_nothing_is_kept(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/start")
    await chat.tap("J'accepte")
    await chat.tap("Moins de 16 ans")
    await chat.tap("Je préfère passer")  # the needs question below the dead end
    text = chat.last.text
    assert "Ce travail est pour les personnes de 16 ans ou plus." in text
    assert "Je n'ai rien gardé de vos réponses." in text
    assert "Votre école peut vous aider, et la mission locale dès vos 16 ans." in text
    assert chat.buttons() == []
    assert bot.store.applications_of(CANDIDATE_ID) == []
    assert bot.store.conversation(CANDIDATE_ID) is None
    assert bot.store.db.execute("SELECT count(*) FROM users").fetchone()[0] == 0
    # Tapping an older button again files nothing either.
    await chat.send("/statut")
    assert bot.store.applications_of(CANDIDATE_ID) == []


async def test_accepting_someone_whose_answers_block_asks_to_confirm_and_says_why(
    bot: Bot,
) -> None:
    # "Non" to the right to work now files a call-back request, never an application
    # (tests/journey/test_callback.py); an application filed before that change still has it.
    await file_application(bot.chat())
    bot.store.db.execute(
        "UPDATE applications SET answers = json_set(answers, '$.droit_travail', 'non')"
    )
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/dossier IS-2026-0001")
    card = staff.last.text
    assert card.splitlines()[1] == (
        "⛔ N'a pas le droit de travailler en France (réponse de la personne)"
    )
    await staff.tap("✅ Accepter")
    alert = bot.api.answers_for(STAFF_ID)[-1]
    assert alert.get("show_alert") is True
    assert "N'a pas le droit de travailler en France" in alert["text"]
    assert "Vérifiez avant d'accepter" in alert["text"]
    await staff.tap("⚠️ Oui, accepter quand même")
    assert bot.store.applications_of(CANDIDATE_ID)[0].state == "acceptee"
