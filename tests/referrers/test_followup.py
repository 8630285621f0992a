"""Follow-up by the referrer: a one-time linking link, /mescandidats with and without the
candidate's consent, a notice at each decision, and nothing else of the staff side."""

from __future__ import annotations

import re

from bot.referrers.store import Referrer
from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import file_application
from tests.referrers.test_journey import file_through

NEUTRAL = "Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire."
REFERRER_ID = 5001
LINKING = re.compile(r"https://t\.me/tremplin_test_bot\?start=(lien-[A-Za-z0-9_-]+)")


def add(bot: Bot, name: str = "Mission locale d'Aubervilliers", kind: str = "mission_locale"):
    return bot.store.add_referrer(name, kind, None, actor="test")


async def linking_payload(bot: Bot, referrer: Referrer) -> str:
    """What staff do: /orienteurs, the referrer, "🔗 Lien de suivi"; the link's payload."""
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap(referrer.name)
    shown = await staff.tap("🔗 Lien de suivi")
    assert "Il marche une seule fois, pendant 7 jours" in shown[-2].text
    match = LINKING.fullmatch(shown[-1].text)
    assert match, shown[-1].text
    return match.group(1)


async def linked_referrer(bot: Bot, referrer: Referrer, user_id: int = REFERRER_ID) -> Chat:
    chat = bot.chat(user_id, "Samia")
    await chat.send(f"/start {await linking_payload(bot, referrer)}")
    return chat


async def decide(bot: Bot, reference: str, *labels: str) -> None:
    """A staff member opens the application and taps a decision (and its confirmation)."""
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send(f"/dossier {reference}")
    for label in labels:
        await staff.tap(label)


async def test_a_linking_link_ties_the_account_once(bot: Bot) -> None:
    referrer = add(bot)
    payload = await linking_payload(bot, referrer)
    samia = bot.chat(REFERRER_ID, "Samia")
    await samia.send(f"/start {payload}")
    assert "votre compte Telegram est relié à Mission locale d'Aubervilliers" in samia.last.text
    assert "/mescandidats" in samia.last.text
    assert bot.store.referrer_of_user(REFERRER_ID) == bot.store.referrer(referrer.id)
    menu = bot.api.commands.get(bot.api.commands_key({"type": "chat", "chat_id": REFERRER_ID}))
    assert menu and menu[0]["command"] == "mescandidats"
    # The same link again: the owner is reminded; anybody else gets nothing.
    await samia.send(f"/start {payload}")
    assert "Votre compte est relié à Mission locale d'Aubervilliers" in samia.last.text
    other = bot.chat(5002, "Intrus")
    await other.send(f"/start {payload}")
    assert "Ce lien ne marche plus" in other.last.text
    assert bot.store.referrer_of_user(5002) is None
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    assert "compte relié" in staff.last.text


async def test_a_linking_link_expires_after_7_days(bot: Bot) -> None:
    referrer = add(bot)
    payload = await linking_payload(bot, referrer)
    bot.clock.advance(days=7, minutes=1)
    samia = bot.chat(REFERRER_ID, "Samia")
    await samia.send(f"/start {payload}")
    assert "Ce lien ne marche plus" in samia.last.text
    assert bot.store.referrer_of_user(REFERRER_ID) is None


async def test_a_deleted_referrer_unlinks_and_its_links_die(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    pending = await linking_payload(bot, referrer)
    assert bot.store.delete_referrer(referrer.id, actor="test")
    await samia.send("/mescandidats")
    assert samia.last.text == NEUTRAL
    await bot.chat(5003, "Autre").send(f"/start {pending}")
    assert bot.store.referrer_of_user(5003) is None


async def test_mescandidats_lists_only_own_candidates_who_agreed(bot: Bot) -> None:
    mine = add(bot)
    theirs = add(bot, "France Travail Saint-Denis", "france_travail")
    samia = await linked_referrer(bot, mine)
    await file_through(bot, mine, "Oui", user_id=1002, first_name="Binta")
    await file_through(bot, mine, "Non", user_id=1003, first_name="Chloé")
    await file_through(bot, theirs, "Oui", user_id=1004, first_name="Dina")
    await file_application(bot.chat(CANDIDATE_ID, "Awa"))  # came on her own
    await bot.chat(1005, "Eva").send(f"/start {mine.code}")  # a draft: not sent yet
    await samia.send("/mescandidats")
    text = samia.last.text
    assert "Vos candidats (Mission locale d'Aubervilliers) : 1" in text
    assert "• Binta D., candidature du lundi 2 mars 2026 : candidature reçue" in text
    for other in ("Chloé", "Dina", "Awa", "Eva", "IS-2026", "+33", "06 12"):
        assert other not in text


async def test_mescandidats_without_consent_shows_nobody(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Non", user_id=1002, first_name="Binta")
    await samia.send("/mescandidats")
    assert "pas encore de candidature à suivre" in samia.last.text
    assert "Binta" not in samia.last.text


async def test_mescandidats_for_anyone_not_linked_is_an_unknown_command(bot: Bot) -> None:
    referrer = add(bot)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    for user_id in (CANDIDATE_ID, 1002, STAFF_ID):
        chat = bot.chat(user_id, "X")
        await chat.send("/mescandidats")
        assert chat.last.text == NEUTRAL


async def test_a_referrer_gets_nothing_of_the_staff_side(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    for command in ("/orienteurs", "/file", "/dossier IS-2026-0001", "/export", "/stats"):
        await samia.send(command)
        assert samia.last.text == NEUTRAL, command
    mark = bot.api.mark()
    await samia.tap_data(1, f"r:{referrer.id}:link")
    await samia.tap_data(1, "s:1:open")
    assert samia.alerts[-2:] == ["Ce bouton n'est plus valable."] * 2
    assert bot.api.changed_since(mark, chat_id=REFERRER_ID) == []
    assert not any(m.kind in ("document", "photo") for m in bot.api.bot_messages(REFERRER_ID))


async def test_the_referrer_is_told_of_each_decision_when_the_candidate_agreed(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    reference = bot.store.applications_of(1002)[0].reference
    assert reference is not None
    before = len(samia.texts())
    await decide(bot, reference, "✅ Accepter", "✅ Oui, accepter")
    notices = samia.texts()[before:]
    assert notices == [
        "📬 Suivi de vos candidats\n"
        "Binta D. : candidature acceptée (décision du lundi 2 mars 2026).\n"
        "Tapez /mescandidats pour voir la liste."
    ]
    # Told once per decision, whoever calls the hook again.
    application = bot.store.applications_of(1002)[0]
    assert not bot.store.claim_followup_notice(application.id, "acceptee")
    await samia.send("/mescandidats")
    assert "• Binta D., candidature du lundi 2 mars 2026 : candidature acceptée" in samia.last.text


async def test_no_notice_when_the_candidate_declined_follow_up(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Non", user_id=1002, first_name="Binta")
    reference = bot.store.applications_of(1002)[0].reference
    assert reference is not None
    before = len(samia.texts())
    await decide(bot, reference, "✅ Accepter", "✅ Oui, accepter")
    assert samia.texts()[before:] == []
    assert bot.store.applications_of(1002)[0].state == "acceptee"


async def test_a_referrer_who_blocked_the_bot_does_not_stop_the_decision(bot: Bot) -> None:
    referrer = add(bot)
    await linked_referrer(bot, referrer)
    await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    reference = bot.store.applications_of(1002)[0].reference
    assert reference is not None
    bot.api.block(REFERRER_ID)
    await decide(bot, reference, "✅ Accepter", "✅ Oui, accepter")
    assert bot.store.applications_of(1002)[0].state == "acceptee"
    assert any("embaucher" in t or "accept" in t.lower() for t in bot.chat(1002).texts()[-2:])


async def test_an_erased_candidate_leaves_the_referrers_list(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    binta = await file_through(bot, referrer, "Oui", user_id=1002, first_name="Binta")
    await binta.send("/supprimer")
    await binta.tap("Oui, tout effacer")
    await samia.send("/mescandidats")
    assert "Binta" not in samia.last.text
    assert "pas encore de candidature à suivre" in samia.last.text
