"""Command line of the staff side (issue #4): export, stats."""

from __future__ import annotations

import argparse

from bot.config import Settings


def add_parsers(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add this feature's subcommands to `python -m bot`; each sets `handler=`."""


def check(settings: Settings) -> list[str]:
    """Problems in this feature's data files, for `python -m bot check`."""
    return []
