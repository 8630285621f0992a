"""The proofs of eligibility, pure: what a person is told to bring, and when the proofs staff
have seen make the person eligible by the rule (issue #16)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from bot.journey.dialog_types import Dialogs

MAX_BRING_LINES = 5
# Criteria that cannot both hold: a proof of one rules the other out, never both counted.
EXCLUSIVE = (frozenset({"senior", "jeune"}), frozenset({"detld", "deld"}))
MET, TO_CHECK = "rempli", "a_verifier"  # the statuses the journey records per criterion


def bring_lines(dialogs: Dialogs, criteria: Mapping[str, str]) -> list[str]:
    """What to bring (French source texts), at most five lines: what everyone brings, then
    the proof of each criterion answered "oui" or "je ne sais pas", level 1 first."""
    lines = list(dialogs.bring)
    ordered = sorted(
        (c for c in dialogs.criteria.values() if criteria.get(c.id) in (MET, TO_CHECK)),
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
