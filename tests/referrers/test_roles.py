"""Each role reads its own /aide and command menu (issue 21, point 13): a linked referrer
sees /mescandidats and none of the candidate's commands; staff see theirs, in their private
chat and in the staff group; a candidate sees the candidate's."""

from __future__ import annotations

from pathlib import Path

from localapi import LocalBotApi
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.referrers.test_followup import REFERRER_ID, add, linked_referrer

CANDIDATE_ONLY = ("/rdv", "/retirer", "/statut", "/recommencer", "/supprimer", "/start")
GROUP = -100777


def menu(bot: Bot, scope: dict[str, object]) -> list[str]:
    return [c["command"] for c in bot.api.commands.get(bot.api.commands_key(scope), [])]


async def test_a_referrer_reads_their_own_help_and_menu(bot: Bot) -> None:
    referrer = add(bot)
    samia = await linked_referrer(bot, referrer)
    await samia.send("/aide")
    text = samia.last.text
    assert "Vous suivez les candidats de Mission locale d'Aubervilliers" in text
    assert "/mescandidats" in text
    for command in (*CANDIDATE_ONLY, "/file", "/orienteurs"):
        assert command not in text, command
    await samia.send("/help")
    assert samia.last.text == text
    assert menu(bot, {"type": "chat", "chat_id": REFERRER_ID}) == ["mescandidats", "aide"]

    # A candidate still reads the candidate's help, without /mescandidats.
    awa = bot.chat()
    await awa.send("/aide")
    assert "/retirer" in awa.last.text and "/mescandidats" not in awa.last.text
    everyone = menu(bot, {"type": "all_private_chats"})
    assert "retirer" in everyone and "mescandidats" not in everyone

    # Deleted by staff: the referrer's menu goes, and /aide is the candidate's again.
    staff = bot.chat(STAFF_ID, "Nadia")
    await staff.send("/orienteurs")
    await staff.tap(referrer.name)
    await staff.tap("🗑 Supprimer")
    await staff.tap("Oui, supprimer")
    assert menu(bot, {"type": "chat", "chat_id": REFERRER_ID}) == []
    await samia.send("/aide")
    assert "/retirer" in samia.last.text and "/mescandidats" not in samia.last.text


async def test_the_staff_menu_is_set_for_each_staff_chat_and_the_group(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, TREMPLIN_STAFF_CHAT_ID=str(GROUP))
    harness = Bot(settings=settings, api=LocalBotApi(), clock=Clock())
    harness.api.known_chat(STAFF_ID)
    harness.api.known_chat(GROUP, chat_type="supergroup", title="Équipe")
    await harness.start()
    try:
        for chat_id in (STAFF_ID, GROUP):
            names = menu(harness, {"type": "chat", "chat_id": chat_id})
            assert {"file", "dossier", "orienteurs", "voix", "aide"} <= set(names), chat_id
            assert "retirer" not in names and "mescandidats" not in names
        staff = harness.chat(STAFF_ID, "Nadia")
        await staff.send("/aide")
        assert "Les commandes de l'équipe" in staff.last.text
        assert "/orienteurs" in staff.last.text and "/retirer" not in staff.last.text
    finally:
        await harness.stop()
