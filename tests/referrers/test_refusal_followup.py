"""What a referrer reads when the team does not retain an application (issue 21, point 14):
the day of the decision, the reason in les emplois de l'inclusion's words for the prescriber
when the candidate agreed to share it, what to do next, and how to reach the team."""

from __future__ import annotations

from pathlib import Path

from localapi import LocalBotApi
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.journeys import dialogs_with_phone
from tests.referrers.test_followup import add, decide, linked_referrer
from tests.referrers.test_journey import file_through

CONSENT_HINT = "où en est votre candidature, et pourquoi si elle n'est pas retenue ?"
FRONT_DESK = (
    "Pour en parler avec l'équipe : 95 boulevard Félix Faure, 93300 Aubervilliers. "
    "Du lundi au vendredi, de 9 h à 17 h."
)


def reference_of(bot: Bot, user_id: int) -> str:
    reference = bot.store.applications_of(user_id)[0].reference
    assert reference is not None
    return reference


async def test_a_refusal_tells_the_referrer_the_day_the_reason_and_what_next(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    # She was told, when asked, that her counsellor would learn why if it is not retained.
    assert any(
        CONSENT_HINT in str(params.get("text", ""))
        for method, params in bot.api.calls
        if params.get("chat_id") == 1002
    )
    bot.clock.advance(days=1)
    before = len(samia.texts())
    await decide(bot, reference_of(bot, 1002), "❌ Refuser", "Non venu ou injoignable")
    assert samia.texts()[before:] == [
        "📬 Suivi de vos candidats\n"
        "Binta D. : candidature non retenue (décision du mardi 3 mars 2026).\n"
        "Motif : Candidat non venu ou non joignable.\n"
        "Vérifiez son numéro de téléphone avec la personne. Ensuite, elle peut envoyer une "
        "nouvelle candidature.\n"
        f"{FRONT_DESK}\n"
        "Tapez /mescandidats pour voir la liste."
    ]
    await samia.send("/mescandidats")
    listed = samia.last.text
    assert (
        "• Binta D., candidature du lundi 2 mars 2026 : candidature non retenue "
        "(décision du mardi 3 mars 2026). Motif : Candidat non venu ou non joignable"
    ) in listed
    assert "vous pouvez proposer une autre structure à la personne" in listed
    assert FRONT_DESK in listed


async def test_a_consent_given_before_it_covered_the_reason_keeps_the_reason_back(
    bot: Bot,
) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    application = bot.store.applications_of(1002)[0]
    # A consent recorded by an older version, whose question did not mention the reason.
    bot.store.db.execute(
        "UPDATE referrer_followups SET shares_reason = 0 WHERE application_id = ?",
        [application.id],
    )
    before = len(samia.texts())
    await decide(bot, reference_of(bot, 1002), "❌ Refuser", "Non éligible")
    notice = samia.texts()[before:][0]
    assert "Binta D. : candidature non retenue (décision du lundi 2 mars 2026)." in notice
    assert "La personne n'a pas donné son accord pour partager le motif." in notice
    assert "Vous pouvez lui proposer une autre structure." in notice
    assert "Motif" not in notice and "éligible" not in notice
    await samia.send("/mescandidats")
    assert "Motif" not in samia.last.text


async def test_the_team_s_phone_and_never_the_team_s_note(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, TREMPLIN_DIALOGS=str(dialogs_with_phone(tmp_path, "01 48 33 00 00"))
    )
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    try:
        referrer = add(harness)
        samia = await linked_referrer(harness, referrer)
        await file_through(harness, referrer, "Oui", user_id=1002, first_name="Binta")
        before = len(samia.texts())
        await decide(harness, reference_of(harness, 1002), "❌ Refuser", "Autre (avec une note)")
        await harness.chat(STAFF_ID, "Nadia").send("Dossier incomplet, rappeler Mme Traoré")
        notice = samia.texts()[before:][0]
        assert "Motif : Autre.\nL'équipe peut vous en dire plus." in notice
        assert "Pour en parler avec l'équipe : 01 48 33 00 00." in notice
        assert "Traoré" not in notice and "incomplet" not in notice
    finally:
        await harness.stop()


def test_check_names_a_staff_reason_without_the_referrer_s_words(tmp_path: Path) -> None:
    from bot.referrers import cli

    dialogs = dialogs_with_phone(tmp_path, "")
    catalog = dialogs / "referrers.toml"
    text = catalog.read_text(encoding="utf-8")
    start = text.index('[[refusals]]\nreason = "non_mobile"')
    end = text.index("[[refusals]]", start + 1)
    catalog.write_text(text[:start] + text[end:], encoding="utf-8")
    settings = make_settings(tmp_path, TREMPLIN_DIALOGS=str(dialogs))
    assert cli.check(settings) == [
        "referrers.toml: [[refusals]]: no words for staff.toml's reason 'non_mobile' "
        "(a referrer would read no reason)"
    ]
    catalog.write_text(text.replace('next = "L\'équipe peut vous en dire plus."', ""), "utf-8")
    assert any("next missing or empty" in problem for problem in cli.check(settings))
