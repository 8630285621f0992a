"""Referrers (issue #6): /orienteurs for staff, /mescandidats for referrers."""

from __future__ import annotations

from telegram.ext import Application


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    """At every start (after the Bot API is reachable): command menus, jobs rebuilt from the
    database. Called by bot.app's post_init."""
