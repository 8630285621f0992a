"""Who may do what: every command and every button against every role — a stranger, a
candidate, a linked referrer, a staff member. What is refused gets the neutral answer,
reveals nothing, and changes nothing."""

from __future__ import annotations

import sqlite3
from datetime import timedelta
from typing import Any

import pytest

from localapi import Chat
from tests.conftest import CANDIDATE_ID, STAFF_ID, Bot
from tests.journeys import file_application

STRANGER_ID, REFERRER_ID = 3003, 4004
ROLES = ("stranger", "candidate", "referrer", "staff")
NEUTRAL_COMMAND = "Je ne connais pas cette commande. Tapez /aide pour voir ce que je sais faire."
NEUTRAL_BUTTON = "Ce bouton n'est plus valable."
# Every role may use the candidate's commands (about their own data only).
EVERYONE = (
    "/start",
    "/aide",
    "/help",
    "/statut",
    "/retirer",
    "/supprimer",
    "/recommencer",
    "/mesdonnees",
    "/rdv",
)
STAFF_ONLY = (
    "/file",
    "/dossier IS-2026-0001",
    "/cherche Diallo",
    "/export",
    "/stats",
    "/creneaux",
    "/orienteurs",
)
REFERRER_ONLY = ("/mescandidats",)
SECRETS = ("IS-2026-0001", "Diallo", "Awa", "06 12 34 56 78", "+33612345678", "Mission locale")


async def _world(bot: Bot) -> dict[str, Chat]:
    """A filed application, a slot, a referrer with a linked account, and staff."""
    chats = {
        "stranger": bot.chat(STRANGER_ID, "Inconnu"),
        "candidate": bot.chat(CANDIDATE_ID, "Awa"),
        "referrer": bot.chat(REFERRER_ID, "Claire"),
        "staff": bot.chat(STAFF_ID, "Nadia"),
    }
    await file_application(chats["candidate"])
    bot.store.add_slot(start=bot.clock.now + timedelta(days=3), seats=5, place="Atelier")
    referrer = bot.store.add_referrer(
        "Mission locale d'Aubervilliers", "mission_locale", actor="test"
    )
    token = bot.store.new_referrer_link(referrer.id, valid_for=timedelta(days=7), actor="test")
    await chats["referrer"].send(f"/start lien-{token}")
    assert bot.store.referrer_of_user(REFERRER_ID) is not None
    return chats


def _snapshot(bot: Bot) -> dict[str, list[Any]]:
    """Every table's rows (but the processed updates, which move with every update)."""
    connection = sqlite3.connect(bot.settings.database)
    try:
        tables = [
            row[0]
            for row in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' "
                "AND name NOT IN ('bot_state', 'processed_updates')"
            )
        ]
        return {t: connection.execute(f'SELECT * FROM "{t}"').fetchall() for t in tables}
    finally:
        connection.close()


@pytest.mark.parametrize("role", ROLES)
async def test_every_command_for_every_role(bot: Bot, role: str) -> None:
    chats = await _world(bot)
    chat = chats[role]
    allowed = set(EVERYONE)
    if role == "staff":
        allowed |= set(STAFF_ONLY)
    if role == "referrer":
        allowed |= set(REFERRER_ONLY)
    checked = 0
    for command in (*EVERYONE, *STAFF_ONLY, *REFERRER_ONLY):
        before = _snapshot(bot)
        mark = bot.api.mark()
        shown = await chat.send(command)
        texts = [m.text for m in shown]
        if command in allowed:
            assert texts and texts != [NEUTRAL_COMMAND], (role, command)
        else:
            assert texts == [NEUTRAL_COMMAND], (role, command, texts)
            assert not any(s in t for t in texts for s in SECRETS)
            # Nothing written, nothing sent anywhere else (no notice to staff…).
            assert _snapshot(bot) == before, (role, command)
            assert [m.chat_id for m in bot.api.changed_since(mark)] == [chat.user_id]
        checked += 1
        # Leave any confirmation unanswered and start clean for the next command.
    assert checked == len(EVERYONE) + len(STAFF_ONLY) + len(REFERRER_ONLY)


async def _staff_buttons(bot: Bot, staff: Chat) -> list[str]:
    """The callback data of every button staff see: the card, the queue, slots, referrers."""
    for command in ("/dossier IS-2026-0001", "/file", "/creneaux", "/orienteurs"):
        await staff.send(command)
    data: list[str] = []

    def collect() -> None:
        for message in bot.api.bot_messages(STAFF_ID):
            for label in message.buttons():
                value = message.callback_data(label)
                if value and value not in data:
                    data.append(value)

    collect()  # the card's own buttons (one card in the chat: #21.12)
    await staff.tap("❌ Refuser")
    collect()  # then the reasons it shows in their place
    return data


@pytest.mark.parametrize("role", ("stranger", "candidate", "referrer"))
async def test_every_staff_button_for_every_other_role(bot: Bot, role: str) -> None:
    chats = await _world(bot)
    buttons = await _staff_buttons(bot, chats["staff"])
    assert len(buttons) >= 20
    prefixes = {data.split(":")[0] for data in buttons}
    assert {"s", "t", "r"} <= prefixes
    chat = chats[role]
    if not bot.api.bot_messages(chat.user_id):
        await chat.send("/aide")
    own_message = bot.api.bot_messages(chat.user_id)[-1].message_id
    for data in buttons:
        before = _snapshot(bot)
        mark = bot.api.mark()
        await chat.tap_data(own_message, data)
        assert chat.alerts[-1] == NEUTRAL_BUTTON, (role, data, chat.alerts[-1])
        assert _snapshot(bot) == before, (role, data)
        assert bot.api.changed_since(mark) == [], (role, data)


async def test_staff_buttons_work_for_staff(bot: Bot) -> None:
    """The same table's other side: staff pressing their buttons get real answers."""
    chats = await _world(bot)
    staff = chats["staff"]
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("✅ Accepter")
    await staff.tap("✅ Oui, accepter")
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    assert application.state == "acceptee"
    assert NEUTRAL_BUTTON not in staff.alerts
