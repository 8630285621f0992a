"""The terminal demo: the very same bot, through the in-process Bot API (`localapi`).

Each line typed is a message from a demo candidate; a number taps that button of the last
message. The demo keeps its own database beside the configured one (`demo.sqlite3`),
started afresh each time unless `--keep`.
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from typing import TextIO

from bot.app import build_application
from bot.core.localapi import Chat, LocalBotApi, LocalRequest, SentMessage
from bot.core.settings import Settings

DEMO_USER_ID = 424242
DEMO_PHONE = "+33612345678"


def run_demo(settings: Settings, *, keep: bool = False) -> int:
    database = settings.database.with_name("demo.sqlite3")
    if not keep:
        for suffix in ("", "-wal", "-shm"):
            database.with_name(database.name + suffix).unlink(missing_ok=True)
    demo_settings = replace(settings, database=database)
    return asyncio.run(chat_in_terminal(demo_settings, sys.stdin, sys.stdout))


async def chat_in_terminal(settings: Settings, lines: TextIO, out: TextIO) -> int:
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
