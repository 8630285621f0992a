"""A candidate who comes through a referrer's link: attribution, welcome, verdict, consent.

And every payload that is not a live referrer's code: the normal journey, no error shown.
"""

from __future__ import annotations

import pytest

from bot.referrers.store import Referrer
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import A_CONFIRMER, AFTER_VERDICT, PROBABLE, play

FOLLOWUP_QUESTION = (
    "Voulez-vous lui montrer où en est votre candidature, et pourquoi si elle n'est pas retenue ?"
)


def add(bot: Bot, name: str = "Mission locale d'Aubervilliers", kind: str = "mission_locale"):
    return bot.store.add_referrer(name, kind, None, actor="test")


def after_verdict(followup: str | None, first_name: str = "Awa") -> list[tuple[str, str]]:
    """The journey after the verdict, answering the follow-up question after the e-mail."""
    script = [("send", first_name) if step == ("send", "Awa") else step for step in AFTER_VERDICT]
    if followup is not None:
        email = script.index(("tap", "Passer"))
        script.insert(email + 1, ("tap", followup))
    return script


async def file_through(bot: Bot, referrer: Referrer | None, followup: str | None, **chat):
    chat_ = bot.chat(**chat) if chat else bot.chat()
    await chat_.send(f"/start {referrer.code}" if referrer else "/start")
    await play(chat_, PROBABLE)
    await chat_.tap("Continuer")
    await play(chat_, after_verdict(followup, chat.get("first_name", "Awa")))
    await chat_.tap("✅ Envoyer ma candidature")
    return chat_


async def test_a_referrer_link_is_recorded_and_named_in_the_welcome(bot: Bot) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    welcome = chat.texts()[-2]
    assert "Bonjour, je suis un robot" in welcome
    assert "Vous venez de la part de la Mission locale d'Aubervilliers." in welcome
    await chat.tap("J'accepte")
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.source == referrer.code


# 26–49, right to work, every answer "Non": no criterion at all (no ASE question at 26–49).
NO_CRITERION = [
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
    ("tap", "Non"),  # parent seul
    ("tap", "Dans mon logement"),
    ("tap", "Non"),  # réfugié
    ("tap", "Non"),  # justice
    ("tap", "Bien"),
    ("tap", "Oui"),
    ("send", "77000"),
]
AUTHORISED = "🤝 Prescripteur habilité : il peut confirmer l'éligibilité de la personne"


@pytest.mark.parametrize(
    ("script", "verdict", "card_verdict", "alone_reads", "sent_reads"),
    [
        (
            PROBABLE,  # RSA: level 1
            "probable",
            "éligible probable",
            "Bonne nouvelle ! Vous pouvez sans doute avoir ce travail.",
            "Bonne nouvelle ! Vous pouvez sans doute avoir ce travail.",
        ),
        (
            A_CONFIRMER,  # under 26, criteria to check
            "a_confirmer",
            "à confirmer",
            "Vous pouvez peut-être avoir ce travail. L'équipe vérifiera avec vous.",
            "Vous pouvez peut-être avoir ce travail. C'est à confirmer avec votre conseiller",
        ),
    ],
)
async def test_a_referral_never_lowers_the_verdict_and_the_card_names_the_authorised_referrer(
    bot: Bot,
    script: list[tuple[str, str]],
    verdict: str,
    card_verdict: str,
    alone_reads: str,
    sent_reads: str,
) -> None:
    """Issue 21, point 4: the same answers read the same result with or without the link of
    an authorised referrer (who only adds a counsellor); the card says who can confirm."""
    referrer = add(bot)
    alone = bot.chat(CANDIDATE_ID + 1, "Binta")
    await alone.send("/start")
    await play(alone, script)
    sent = bot.chat()
    await sent.send(f"/start {referrer.code}")
    await play(sent, script)
    assert alone_reads in alone.last.text
    assert sent_reads in sent.last.text
    for chat, followup, first_name in ((alone, None, "Binta"), (sent, "Oui", "Awa")):
        await chat.tap("Continuer")
        await play(chat, after_verdict(followup, first_name))
        await chat.tap("✅ Envoyer ma candidature")
    assert bot.store.applications_of(CANDIDATE_ID + 1)[0].verdict == verdict
    assert bot.store.applications_of(CANDIDATE_ID)[0].verdict == verdict
    cards = [m.text for m in bot.api.bot_messages(STAFF_ID) if m.text.startswith("📋")]
    alone_card = next(c for c in cards if "Binta Diallo" in c.splitlines()[0])
    sent_card = next(c for c in cards if "Awa Diallo" in c.splitlines()[0])
    for card in (alone_card, sent_card):
        assert f"Résultat du questionnaire : {card_verdict}" in card
    assert "Orientée par : Mission locale d'Aubervilliers" in sent_card
    assert AUTHORISED in sent_card
    assert "Orientée par : sans orienteur" in alone_card
    assert AUTHORISED not in alone_card


async def test_an_authorised_referral_lifts_no_criterion_to_a_result_to_confirm(bot: Bot) -> None:
    """Without any criterion, the referrer's diagnosis can still make the person eligible."""
    referrer = add(bot)
    alone = bot.chat(CANDIDATE_ID + 1, "Binta")
    await alone.send("/start")
    await play(alone, NO_CRITERION)
    await alone.tap("Je préfère passer")  # the needs question below the dead end
    assert "Ce travail n'est sans doute pas pour vous." in alone.last.text
    sent = bot.chat()
    await sent.send(f"/start {referrer.code}")
    await play(sent, NO_CRITERION)
    assert "C'est à confirmer avec votre conseiller ou votre conseillère." in sent.last.text
    assert "pas pour vous" not in sent.last.text


async def test_a_referrer_that_is_not_authorised_lets_the_bot_count_criteria(bot: Bot) -> None:
    referrer = add(bot, "Emmaüs Connect", "association")
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    assert "Vous venez de la part d'Emmaüs Connect." in chat.texts()[-2]
    await play(chat, PROBABLE)
    assert "sans doute avoir ce travail" in chat.last.text


async def test_follow_up_consent_is_asked_after_a_referrer_link_and_recorded(bot: Bot) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[: AFTER_VERDICT.index(("tap", "Passer")) + 1])
    assert FOLLOWUP_QUESTION in chat.last.text
    assert "Étape 6 sur 8 · Vos coordonnées" in chat.last.text
    assert chat.buttons()[:2] == ["Oui", "Non"]
    await chat.send("bonjour")  # typed text where a button is expected
    assert FOLLOWUP_QUESTION in chat.last.text
    await chat.tap("Oui")
    await play(chat, AFTER_VERDICT[AFTER_VERDICT.index(("tap", "Passer")) + 1 :])
    assert "Votre conseiller peut suivre votre candidature : Oui" in chat.last.text
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.answers["suivi_orienteur"] == "oui"
    assert bot.store.has_followup(application.id)


async def test_changing_the_answer_from_the_summary_takes_the_consent_back(bot: Bot) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, after_verdict("Oui"))
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and bot.store.has_followup(draft.id)
    await chat.tap("Modifier : Vos coordonnées")
    await chat.tap("✏️ Suivi de votre candidature")
    await chat.tap("Non")
    assert "Votre conseiller peut suivre votre candidature : Non" in chat.last.text
    assert not bot.store.has_followup(draft.id)


async def test_declining_follow_up_files_the_application_without_consent(bot: Bot) -> None:
    referrer = add(bot)
    await file_through(bot, referrer, "Non")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.reference and application.source == referrer.code
    assert not bot.store.has_followup(application.id)


async def test_no_follow_up_question_without_a_referrer(bot: Bot) -> None:
    chat = await file_through(bot, None, None)
    assert not any(FOLLOWUP_QUESTION in text for text in chat.texts())
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.source is None and application.reference


@pytest.mark.parametrize(
    "payload",
    [
        "a" * 65,  # longer than Telegram allows
        "abc$def",  # a character a payload cannot have
        "inconnu42",  # well-formed, nobody's code
        "lien-pas-un-vrai",  # looks like a linking link: handled, never a source
    ],
)
async def test_unknown_or_malformed_payload_gives_the_normal_journey(
    bot: Bot, payload: str
) -> None:
    add(bot)
    chat = bot.chat()
    await chat.send(f"/start {payload}")
    if payload.startswith("lien-"):
        assert "Ce lien ne marche plus" in chat.last.text
        await chat.send("/start")
    texts = chat.texts()
    assert "Bonjour, je suis un robot" in texts[-2]
    assert "de la part" not in texts[-2]
    assert "Étape 1 sur 8" in texts[-1]
    assert not any("erreur" in t.lower() or "problème" in t.lower() for t in texts)
    await play(chat, A_CONFIRMER)
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.source is None


async def test_a_deleted_referrers_code_gives_the_normal_journey(bot: Bot) -> None:
    referrer = add(bot)
    assert bot.store.delete_referrer(referrer.id, actor="test")
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    assert "de la part" not in chat.texts()[-2]
    await play(chat, PROBABLE)
    assert "sans doute avoir ce travail" in chat.last.text  # no referrer's diagnosis
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.source is None


async def test_the_source_survives_a_restart_in_the_middle_of_the_journey(bot: Bot) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    await bot.restart()
    chat = bot.chat()
    await play(chat, PROBABLE)
    assert "sans doute avoir ce travail" in chat.last.text  # a referral never lowers it
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.source == referrer.code


async def test_starting_over_keeps_the_referrer(bot: Bot) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    await chat.tap("J'accepte")
    await chat.send("/recommencer")
    await chat.tap("Oui, recommencer")
    assert "Vous venez de la part de la Mission locale" in "\n".join(chat.texts()[-3:])
