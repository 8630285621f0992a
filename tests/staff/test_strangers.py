"""Strangers: every staff command and every staff button, used by someone who is not staff
(the candidate themself, or anyone), gets the neutral answer, reveals nothing and changes
nothing."""

from __future__ import annotations

from typing import Any

import pytest

from bot.staff.handlers import STAFF_COMMANDS
from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import NEUTRAL_BUTTON, NEUTRAL_COMMAND, file_application

COMMANDS = [
    "/file",
    "/file nouvelle",
    "/dossier IS-2026-0001",
    "/cherche Awa",
    "/cherche Diallo",
    "/export",
    "/export csv",
    "/stats",
    "/creneaux",
    "/orienteurs",
]
ACTIONS = [
    "conv",
    "conv.date",
    "conv.1",
    "ok",
    "ok.y",
    "no",
    "no.injoignable",
    "no.autre",
    "wait",
    "wait.y",
    "note",
    "card",
]
QUEUE_ACTIONS = [
    "p1",
    "p2",
    "fs",
    "fw",
    "fv",
    "fr",
    "s-nouvelle",
    "w-bois",
    "v-probable",
    "r-0",
    "clear",
    "back",
]
SECRETS = ("IS-2026", "Awa", "Diallo", "06 12", "+336", "1 candidature", "Nadia")
STRANGERS = [(CANDIDATE_ID, "Awa"), (4242, "Inconnu")]


def snapshot(bot: Bot) -> dict[str, Any]:
    tables = ("applications", "reviews", "events", "staff_inputs", "staff_cards", "staff_queues")
    return {t: list(bot.store.db.query(f"SELECT * FROM {t} ORDER BY rowid")) for t in tables}


def test_every_staff_command_is_in_the_table() -> None:
    assert {name for name, _ in STAFF_COMMANDS} - {"aide"} <= {c.split()[0][1:] for c in COMMANDS}


@pytest.mark.parametrize(("user_id", "name"), STRANGERS)
@pytest.mark.parametrize("command", COMMANDS)
async def test_staff_commands_answer_strangers_neutrally(
    bot: Bot, user_id: int, name: str, command: str
) -> None:
    await file_application(bot.chat())
    before = snapshot(bot)
    stranger = bot.chat(user_id, name)
    shown = await stranger.send(command)
    assert [m.text for m in shown] == [NEUTRAL_COMMAND]
    assert all(secret not in shown[0].text for secret in SECRETS)
    assert snapshot(bot) == before


@pytest.mark.parametrize(("user_id", "name"), STRANGERS)
async def test_staff_buttons_answer_strangers_neutrally(bot: Bot, user_id: int, name: str) -> None:
    await file_application(bot.chat())
    application = bot.store.applications_of(CANDIDATE_ID)[0]
    before = snapshot(bot)
    stranger = bot.chat(user_id, name)
    await stranger.send("/aide")  # something on screen to tap from
    message_id = stranger.last.message_id
    mark = bot.api.mark()
    forged = [f"s:{application.id}.0:{action}" for action in ACTIONS]
    forged += [f"s:{application.id}:open", *(f"s:q:{a}" for a in QUEUE_ACTIONS)]
    for data in forged:
        await stranger.tap_data(message_id, data)
    assert stranger.alerts == [NEUTRAL_BUTTON] * len(forged)
    assert bot.api.changed_since(mark) == []  # no message sent or edited anywhere
    assert snapshot(bot) == before
    assert bot.api.unanswered_callbacks() == []
