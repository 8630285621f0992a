"""What a feature adds to the bot, declared in one object (`bot/features.py` lists them)."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from telegram.ext import Application

from bot.core.dialog_files import DialogSource
from bot.core.settings import Settings

# PTB's Application is generic in six types we never narrow.
TelegramApp = Application[Any, Any, Any, Any, Any, Any]
# Subscripted in the stubs only: at run time the class is not generic.
SubParsers: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def _nothing_to_check(settings: Settings) -> list[str]:
    return []


@dataclass(frozen=True, slots=True)
class Feature:
    """One feature's parts. Every field is optional: a feature adds only what it has.

    `register` adds handlers (in registry order: the first matching handler wins, so the
    candidate's catch-alls come last); `on_start` runs after the bot is initialised (jobs,
    command menus, overdue work); `add_parsers` adds `python -m bot` commands; `check` adds
    problems to `python -m bot check`; `staff_commands` go in the staff's command menu and
    their /aide; `dialog_files` are the `dialogs/*.toml` it reads (bot.core.dialog_files),
    read and validated together when the bot starts. Tables are not here: each feature's
    `store.py` has its migrations, which `bot/store.py` orders (the store must not depend
    on handlers).
    """

    name: str
    register: Callable[[TelegramApp], None] | None = None
    on_start: Callable[[TelegramApp], Awaitable[None]] | None = None
    add_parsers: Callable[[SubParsers], None] | None = None
    check: Callable[[Settings], list[str]] = _nothing_to_check
    staff_commands: tuple[tuple[str, str], ...] = ()
    dialog_files: tuple[DialogSource[Any], ...] = ()
