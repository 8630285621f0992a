"""The documentation says what the code does: commands in the README and in /aide, the
journey diagram up to date."""

from __future__ import annotations

import subprocess
import sys

from telegram.ext import CommandHandler

from bot.__main__ import _parser
from bot.core.dialogs import load_dialogs
from bot.core.settings import PROJECT_ROOT
from bot.journey.diagram import journey_mermaid
from tests.conftest import Bot

README = (PROJECT_ROOT / "README.md").read_text()


def test_every_telegram_command_is_in_the_readme(bot: Bot) -> None:
    commands = {
        command
        for handlers in bot.application.handlers.values()  # type: ignore[attr-defined]
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for command in handler.commands
    }
    assert "start" in commands
    missing = sorted(c for c in commands if f"/{c}" not in README)
    assert missing == []


def test_every_command_line_command_is_in_the_readme() -> None:
    parser = _parser()
    subcommands = next(a for a in parser._actions if a.dest == "command")
    names = list(subcommands.choices)  # type: ignore[union-attr]
    assert {"run", "demo", "check", "purge", "backup", "export", "stats"} <= set(names)
    missing = [name for name in names if f"python -m bot {name}" not in README]
    assert missing == []
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, check=True
    )
    assert all(name in result.stdout for name in names)


async def test_candidate_commands_are_in_help(bot: Bot) -> None:
    chat = bot.chat()
    await chat.send("/aide")
    for command in ("/start", "/statut", "/recommencer", "/retirer", "/mesdonnees", "/supprimer"):
        assert command in chat.last.text


def test_journey_diagram_is_up_to_date() -> None:
    dialogs = load_dialogs(PROJECT_ROOT / "dialogs")
    committed = (PROJECT_ROOT / "dialogs" / "journey.mmd").read_text()
    assert committed == journey_mermaid(dialogs), "run: python -m bot diagram > dialogs/journey.mmd"
