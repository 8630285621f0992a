"""The journey's command line: `python -m bot diagram`."""

from __future__ import annotations

import argparse

from bot.core.cli import Command, add_commands
from bot.core.dialogs import load_dialogs
from bot.core.feature import SubParsers
from bot.core.settings import load_settings
from bot.journey.diagram import journey_mermaid


def add_parsers(commands: SubParsers) -> None:
    add_commands(
        commands,
        Command(
            "diagram",
            help="print the candidate journey as a Mermaid diagram",
            description="Print the candidate journey of dialogs/journey.toml as a Mermaid "
            "flowchart (the README shows dialogs/journey.mmd, made with this command).",
            handler=_diagram,
        ),
    )


def _diagram(args: argparse.Namespace) -> int:
    print(journey_mermaid(load_dialogs(load_settings().dialogs_dir)), end="")
    return 0
