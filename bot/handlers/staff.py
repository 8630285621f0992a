"""Staff review in Telegram (issue #4): cards, decisions, queue, export, figures."""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""
