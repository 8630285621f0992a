"""The terminal demo: the very same bot, through the in-process Bot API (`localapi`).

Each line typed is a message from a demo candidate; a number taps that button of the last
message. The demo keeps its own database beside the configured one (`demo.sqlite3`),
started afresh each time unless `--keep`.

`localapi` is a development package at the top of the repository, not shipped in the wheel:
the demo finds it on the import path (`python -m bot demo` from the repository) or beside the
`bot` package (an editable install, `pip install -e .`); a `tremplin` installed from the wheel
has no demo and says so (exit 2).
"""

from __future__ import annotations

import asyncio
import importlib
import sys
from dataclasses import replace
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, TextIO

from bot.app import build_application
from bot.core.settings import Settings

if TYPE_CHECKING:
    from localapi import Chat, SentMessage

DEMO_USER_ID = 424242
DEMO_PHONE = "+33612345678"
EXIT_NO_DEMO = 2  # as `run` without a token and without a terminal: the command cannot work

NO_LOCALAPI = (
    "tremplin: la démo a besoin d'un clone du dépôt (son dossier localapi/ n'est pas livré "
    "avec le paquet) : git clone, puis make demo.\n"
    "tremplin: the demo needs a clone of the repository (its localapi/ folder does not ship "
    "with the package): git clone, then make demo."
)


def local_api() -> ModuleType | None:
    """The `localapi` package: on the import path, or else beside `bot/` in a clone; None
    when this `bot` was installed from the wheel (which does not carry it)."""
    try:
        return importlib.import_module("localapi")
    except ModuleNotFoundError as error:
        if error.name != "localapi":
            raise
    clone = Path(__file__).resolve().parents[1]
    if not (clone / "localapi" / "__init__.py").is_file():
        return None
    sys.path.append(str(clone))
    return importlib.import_module("localapi")


def run_demo(settings: Settings, *, keep: bool = False) -> int:
    if local_api() is None:
        print(NO_LOCALAPI, file=sys.stderr)
        return EXIT_NO_DEMO
    database = settings.database.with_name("demo.sqlite3")
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    demo_settings = replace(settings, database=database)
    return asyncio.run(chat_in_terminal(demo_settings, sys.stdin, sys.stdout))


async def chat_in_terminal(settings: Settings, lines: TextIO, out: TextIO) -> int:
    from localapi import Chat, LocalBotApi, LocalRequest

    api = LocalBotApi()
    application = build_application(settings, request=LocalRequest(api))
    await application.initialize()
    if application.post_init:
        await application.post_init(application)
    chat = Chat(application, api, user_id=DEMO_USER_ID, first_name="Awa")
    interactive = lines.isatty()
    if interactive:
        out.write("Tremplin — démo dans le terminal. Tapez /start. Ctrl-D pour quitter.\n")
    try:
        while True:
            if interactive:
                out.write("> ")
                out.flush()
            line = lines.readline()
            if not line:
                break
            text = line.strip()
            if not text:
                continue
            shown = await _act(chat, text)
            for message in shown:
                out.write(render(message))
            out.flush()
    finally:
        await application.shutdown()
        application.bot_data["tremplin"].store.close()
    return 0


async def _act(chat: Chat, text: str) -> list[SentMessage]:
    """A number taps a button of the last message that has buttons; anything else is sent."""
    if text.isdigit():
        labels = chat.buttons()
        index = int(text) - 1
        if 0 <= index < len(labels):
            label = labels[index]
            keyboard = chat.api.reply_keyboard(chat.user_id)
            if keyboard and _requests_contact(keyboard, label):
                return await chat.share_contact(phone=DEMO_PHONE)
            return await chat.tap(label)
    return await chat.send(text)


def _requests_contact(keyboard: dict, label: str) -> bool:  # type: ignore[type-arg]
    for row in keyboard.get("keyboard", []):
        for button in row:
            if isinstance(button, dict) and button.get("text") == label:
                return bool(button.get("request_contact"))
    return False


def render(message: SentMessage) -> str:
    """A bot message as the terminal shows it: the text, then numbered buttons."""
    lines = ["", *(f"  {line}" for line in message.text.splitlines())]
    labels = message.buttons()
    if labels:
        lines.append("  " + "   ".join(f"[{n}] {label}" for n, label in enumerate(labels, 1)))
    if message.kind == "document":
        lines.append(f"  📎 {message.filename}")
    return "\n".join(lines) + "\n"
