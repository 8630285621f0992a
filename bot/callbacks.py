"""Callback data carried by inline buttons.

Every journey button carries the step it answers (`j:<step>:<action>`), so a button pressed
on an old message is recognised as old. Anything that does not parse is treated as forged.
"""

from __future__ import annotations

from dataclasses import dataclass

JOURNEY = "j"
CONFIRM = "c"
MAX_BYTES = 64  # Telegram's limit for callback_data

BACK = "~back"
DONE = "~ok"
SKIP = "~skip"
SEND = "~send"
RESUME = "~resume"
EDIT = "~edit-"  # followed by a section id


@dataclass(frozen=True, slots=True)
class Callback:
    prefix: str
    subject: str
    action: str


def make(prefix: str, subject: str, action: str) -> str:
    data = f"{prefix}:{subject}:{action}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError(f"callback data too long: {data!r}")
    return data


def journey(step_id: str, action: str) -> str:
    return make(JOURNEY, step_id, action)


def confirm(subject: str, action: str) -> str:
    return make(CONFIRM, subject, action)


def parse(data: str | None) -> Callback | None:
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split(":")
    if len(parts) != 3 or parts[0] not in (JOURNEY, CONFIRM) or not all(parts):
        return None
    return Callback(*parts)
