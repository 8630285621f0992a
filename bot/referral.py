"""Where a candidate comes from: the referrer code of a `/start <code>` link (issue #6).

`candidate.py` calls these; they decide what a start payload means. For now any well-formed
payload is kept as the application's source, and no referrer is known.
"""

from __future__ import annotations

import re

from telegram.ext import ContextTypes

from bot.context import Services
from bot.store import Application

# What Telegram allows as a start payload.
PAYLOAD = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def source_for(svc: Services, payload: str | None) -> str | None:
    """The source to record for a start payload, or None (unknown or malformed: ignored)."""
    if payload and PAYLOAD.match(payload):
        return payload
    return None


def welcome_note(svc: Services, source: str | None) -> str | None:
    """ "Vous venez de la part de …" when the source is a known referrer."""
    return None


def is_referrer_diagnosis(svc: Services, source: str | None) -> bool:
    """True when an authorised referrer's link stands for their eligibility diagnosis."""
    return False


def referrer_name(svc: Services, source: str | None) -> str | None:
    """The name of the referrer behind a source code (for staff cards, export, stats)."""
    return None


async def notify_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: Application
) -> None:
    """Tell the referrer of a consenting candidate that a decision was made (issue #6).
    Called by the staff side after every decision."""
