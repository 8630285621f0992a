"""Callback data carried by inline buttons.

Every journey button carries the step it answers (`j:<step>:<action>`), so a button pressed
on an old message is recognised as old. Anything that does not parse is treated as forged.
"""

from __future__ import annotations

from dataclasses import dataclass

# One letter per family of buttons; each family has its own handler (see bot/app.py).
JOURNEY = "j"  # the candidate journey: j:<step>:<action>
CONFIRM = "c"  # the candidate's confirmations: c:<withdraw|erase|restart>:<yes|no>
STAFF = "s"  # staff review (issue #4): s:<subject>:<action>
SLOTS = "t"  # slots and bookings (issue #5): t:<subject>:<action>
REFERRERS = "r"  # referrers (issue #6): r:<subject>:<action>
LANGUAGE = "l"  # the reader's language (issue #15): l:<where>:<code>
VOICE = "v"  # voice notes (issue #15): v:<key>:play, v:<language>.<key>:<staff action>
ORIENTATION = "o"  # the needs asked at a dead end (issue 25): o:<postcode>.<chosen>:<action>
PREFIXES = frozenset({JOURNEY, CONFIRM, STAFF, SLOTS, REFERRERS, LANGUAGE, VOICE, ORIENTATION})
MAX_BYTES = 64  # Telegram's limit for callback_data

BACK = "~back"
DONE = "~ok"
SKIP = "~skip"
SEND = "~send"
RESUME = "~resume"
EDIT = "~edit-"  # followed by a section id
CHANGE = "~one-"  # followed by a step id: change that one answer from the summary
SUMMARY = "~sum"  # back to the summary from the list of a part's answers
NAME = "~name-"  # followed by the name the bot read in a sentence ("Oui"); nothing: "Non"


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
    if len(parts) != 3 or parts[0] not in PREFIXES or not all(parts):
        return None
    return Callback(*parts)
