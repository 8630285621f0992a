"""Which messages can be recorded, pure: the welcome, each step of the journey, the filing."""

from __future__ import annotations

from bot.journey.dialog_types import Dialogs

WELCOME = "welcome"
FILED = "filed"


def recordable(dialogs: Dialogs) -> list[str]:
    """The keys staff can record, in the order a candidate meets them."""
    return [WELCOME, *(step.id for step in dialogs.steps), FILED]


def label_of(dialogs: Dialogs, key: str) -> str:
    """What staff read in the list: the French text's start, or the step's section."""
    if key in (WELCOME, FILED):
        text = dialogs.messages[key]
    elif dialogs.has_step(key):
        text = dialogs.step(key).text
    else:
        return key
    first_line = text.strip().splitlines()[0] if text.strip() else key
    return first_line if len(first_line) <= 40 else first_line[:39] + "…"
