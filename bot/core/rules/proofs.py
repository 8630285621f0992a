"""The proofs of eligibility, pure: what a person is told to bring, and when the proofs staff
have seen make the person eligible by the rule (issue #16)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.core.dialog_types import Dialogs

MAX_BRING_LINES = 5
# Criteria that cannot both hold: a proof of one rules the other out, never both counted.
EXCLUSIVE = (frozenset({"senior", "jeune"}), frozenset({"detld", "deld"}))
MET, TO_CHECK = "rempli", "a_verifier"  # the statuses the journey records per criterion


def declined(dialogs: Dialogs, answers: Mapping[str, Any]) -> set[str]:
    """The criteria left "à vérifier" because the person chose not to answer: the unsure
    criteria of an answer that refuses a consent question ("Je préfère passer" before the
    questions on benefits and health). Staff check them; she brings nothing for them."""
    found: set[str] = set()
    for step in dialogs.steps:
        if not any(option.consent for option in step.options):
            continue
        answer = answers.get(step.id)
        option = step.option(answer) if isinstance(answer, str) else None
        if option is not None and not option.consent:
            found.update(option.unsure)
    return found


def bring_lines(
    dialogs: Dialogs, criteria: Mapping[str, str], answers: Mapping[str, Any]
) -> list[str]:
    """What to bring (French source texts), at most five lines: what everyone brings, then
    the proof of each criterion answered "oui" or "je ne sais pas", level 1 first; never of
    a criterion she chose not to answer (`declined`), nor one answered "non"."""
    lines = list(dialogs.bring)
    skipped = declined(dialogs, answers)
    ordered = sorted(
        (
            c
            for c in dialogs.criteria.values()
            if criteria.get(c.id) in (MET, TO_CHECK) and c.id not in skipped
        ),
        key=lambda c: c.level,
    )
    for criterion in ordered:
        if criterion.bring and criterion.bring not in lines:
            lines.append(criterion.bring)
    return lines[:MAX_BRING_LINES]


def counted(seen: Iterable[str]) -> set[str]:
    """The proofs seen that count: of two criteria that cannot both hold, the first one."""
    kept: set[str] = set()
    for criterion in sorted(seen):
        if any(criterion in pair and kept & pair for pair in EXCLUSIVE):
            continue
        kept.add(criterion)
    return kept


def verified(dialogs: Dialogs, seen: Iterable[str]) -> bool:
    """The proofs seen make the person eligible: one level-1 criterion, or as many level-2
    ones as the rule needs (3 for a chantier d'insertion)."""
    levels = [dialogs.criteria[c].level for c in counted(seen) if c in dialogs.criteria]
    return 1 in levels or levels.count(2) >= dialogs.rule.level2_needed


def missing(dialogs: Dialogs, criteria: Mapping[str, str], seen: Iterable[str]) -> list[str]:
    """The criteria declared whose proof is not seen yet (their short names, for staff)."""
    done = set(seen)
    return [dialogs.criteria[c].short for c in criteria if c in dialogs.criteria and c not in done]
