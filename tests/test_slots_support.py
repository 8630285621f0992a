"""Helpers of the slot tests (no tests here): slots relative to the test clock, a journey
that picks a date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.i18n import format_moment
from bot.localapi import Chat
from bot.store.slots import Slot
from tests.conftest import Bot
from tests.journeys import AFTER_VERDICT, PROBABLE, play

RENDEZ_VOUS_TAP = ("tap", "D'accord")  # the rendez-vous step in AFTER_VERDICT


def add_slot(bot: Bot, *, days: float = 3, seats: int = 12, **extra: object) -> Slot:
    """A slot `days` after the test clock, at 14 h Paris time on that day."""
    day = (bot.clock.now + timedelta(days=days)).date()
    start = datetime(day.year, day.month, day.day, 13, 0, tzinfo=UTC)  # 14 h in winter
    return bot.store.add_slot(start=start, seats=seats, **extra)  # type: ignore[arg-type]


def label(slot: Slot) -> str:
    return f"📅 {format_moment(slot.start)}"


def _split() -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    index = len(AFTER_VERDICT) - 1 - AFTER_VERDICT[::-1].index(RENDEZ_VOUS_TAP)
    return AFTER_VERDICT[:index], AFTER_VERDICT[index + 1 :]


async def reach_rendez_vous(chat: Chat, first_name: str = "Awa") -> None:
    """From /start to the rendez-vous step (the script's first name replaced)."""
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    before, _ = _split()
    await play(chat, [("send", first_name) if step == ("send", "Awa") else step for step in before])


async def finish_after_rendez_vous(chat: Chat) -> None:
    _, after = _split()
    await play(chat, after)
    await chat.tap("✅ Envoyer ma candidature")


async def file_with_slot(chat: Chat, slot: Slot | None, first_name: str = "Awa") -> None:
    """A whole journey choosing `slot` (None: "Aucune de ces dates")."""
    await reach_rendez_vous(chat, first_name)
    await chat.tap(label(slot) if slot is not None else "Aucune de ces dates")
    await finish_after_rendez_vous(chat)
