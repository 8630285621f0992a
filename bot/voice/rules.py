"""Which messages can be recorded, pure: the welcome, each step of the journey, the filing."""

from __future__ import annotations

from bot.journey.dialog_types import Dialogs
from bot.journey.rules.eligibility import VERDICTS

WELCOME = "welcome"
FILED = "filed"


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


def verdict_key(step_id: str, verdict: str) -> str:
    return f"{step_id}.{verdict}"


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
