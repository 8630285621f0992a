"""A candidate who comes through a referrer's link: attribution, welcome, verdict, consent.

And every payload that is not a live referrer's code: the normal journey, no error shown.
"""

from __future__ import annotations

import pytest

from bot.referrers.store import Referrer
from tests.conftest import CANDIDATE_ID, Bot
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
    assert "Bonjour, je suis le robot" in welcome
    assert "Vous venez de la part de la Mission locale d'Aubervilliers." in welcome
    await chat.tap("J'accepte")
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and draft.source == referrer.code


async def test_authorised_referrer_link_gives_a_verdict_to_confirm_with_the_counsellor(
    bot: Bot,
) -> None:
    referrer = add(bot)
    chat = bot.chat()
    await chat.send(f"/start {referrer.code}")
    await play(chat, PROBABLE)  # RSA: would be "sans doute" without the referrer
    assert "à confirmer avec votre conseiller ou votre conseillère" in chat.last.text
    assert "sans doute avoir ce travail" not in chat.last.text
    await chat.tap("Continuer")
    await play(chat, after_verdict("Oui"))
    await chat.tap("✅ Envoyer ma candidature")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.verdict == "a_confirmer"
    assert application.criteria.get("rsa") == "rempli"  # staff still see the criteria


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
    await chat.tap("✏️ Votre conseiller peut suivre votre…")
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
    assert "Bonjour, je suis le robot" in texts[-2]
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
    assert "à confirmer avec votre conseiller" in chat.last.text
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
