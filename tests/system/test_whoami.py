"""/whoami, answered to anyone: the ids a volunteer needs for TREMPLIN_STAFF_IDS and
TREMPLIN_STAFF_CHAT_ID, a person's own id only in their own private chat."""

from __future__ import annotations

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot

GROUP = -100424242


def _chat(bot: Bot, user_id: int, chat_id: int, chat_type: str) -> Chat:
    return Chat(
        bot.application,  # type: ignore[arg-type]
        bot.api,
        user_id=user_id,
        first_name="Awa",
        chat_id=chat_id,
        chat_type=chat_type,
        title="Équipe" if chat_type != "private" else None,
    )


async def test_anyone_learns_their_own_user_id_privately(bot: Bot) -> None:
    chat = bot.chat(user_id=CANDIDATE_ID)  # not staff, never wrote before
    await chat.send("/whoami")
    assert f"Votre identifiant Telegram est {CANDIDATE_ID}." in chat.last.text
    assert "TREMPLIN_STAFF_IDS" in chat.last.text
    # The journey goes on as before.
    shown = await chat.send("/start")
    assert "Bonjour, je suis un robot" in shown[0].text


async def test_in_a_group_the_answer_is_the_group_id_and_never_a_user_id(bot: Bot) -> None:
    bot.api.known_chat(GROUP, chat_type="supergroup", title="Équipe")
    group = _chat(bot, STAFF_ID, GROUP, "supergroup")
    shown = await group.send("/whoami")
    assert len(shown) == 1
    text = shown[0].text
    assert f"L'identifiant de ce groupe est {GROUP}." in text
    assert "TREMPLIN_STAFF_CHAT_ID" in text
    assert str(STAFF_ID) not in text


async def test_a_forged_private_chat_gets_nothing(bot: Bot) -> None:
    forged = _chat(bot, CANDIDATE_ID, 31337, "private")
    assert await forged.send("/whoami") == []
