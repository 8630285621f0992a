"""Which messages can be recorded, pure: the welcome, each step of the journey, the filing."""

from __future__ import annotations

from bot.core.dialog_types import Dialogs
from bot.core.rules.eligibility import VERDICTS
from bot.core.rules.ids import verdict_key

WELCOME = "welcome"
FILED = "filed"
# How many messages /voix offers first: those nearly every candidate hears.
MOST_HEARD = 10


def recordable(dialogs: Dialogs) -> list[str]:
    """The keys staff can record, in the order a candidate meets them; the result step has
    one per verdict ("resultat.probable"), since each reads differently."""
    keys = [WELCOME]
    for step in dialogs.steps:
        if step.kind == "verdict":
            keys += [verdict_key(step.id, verdict) for verdict in VERDICTS]
        else:
            keys.append(step.id)
    return [*keys, FILED]


def most_heard(dialogs: Dialogs, count: int = MOST_HEARD) -> list[str]:
    """The messages nearly every candidate hears, to record first: the welcome, the consent
    (the first step), each verdict, the filing; then the questions asked of everyone (no
    `ask_if`), in the journey's order, up to `count`."""
    first = dialogs.steps[0].id if dialogs.steps else None
    verdicts = [
        verdict_key(step.id, verdict)
        for step in dialogs.steps
        if step.kind == "verdict"
        for verdict in VERDICTS
    ]
    keys = [WELCOME, *([first] if first else []), *verdicts, FILED]
    for step in dialogs.steps:
        if len(keys) >= count:
            break
        if step.kind != "verdict" and not step.ask_if and step.id not in keys:
            keys.append(step.id)
    return keys[:count]


def recording_order(dialogs: Dialogs) -> list[str]:
    """/voix's list: the most-heard messages first, then the rest in the journey's order."""
    first = most_heard(dialogs)
    return [*first, *(key for key in recordable(dialogs) if key not in first)]


def label_of(dialogs: Dialogs, key: str) -> str:
    """What staff read in the list: a question's short label (journey.toml `short`), or the
    French text's start."""
    verdict = key.partition(".")[2]
    if key in (WELCOME, FILED):
        text = dialogs.messages[key]
    elif verdict in VERDICTS:
        text = dialogs.messages.get(f"verdict_{verdict}", key)
    elif dialogs.has_step(key):
        step = dialogs.step(key)
        if step.short:
            return step.short
        text = step.text
    else:
        return key
    first_line = text.strip().splitlines()[0] if text.strip() else key
    return first_line if len(first_line) <= 40 else first_line[:39] + "…"
