"""The IAE eligibility self-assessment: which criteria the answers show, and the verdict.

The verdict is never a refusal: `probable` (a level-1 criterion, or enough level-2 ones),
`a_confirmer` (some criteria, or an authorised referrer's diagnosis), `pas_pour_vous`
(then the bot gives contacts and still offers to be contacted).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from bot.dialogs import Dialogs, Step

PROBABLE = "probable"
A_CONFIRMER = "a_confirmer"
PAS_POUR_VOUS = "pas_pour_vous"
VERDICTS = (PROBABLE, A_CONFIRMER, PAS_POUR_VOUS)

MET = "rempli"
UNSURE = "a_verifier"


@dataclass(frozen=True, slots=True)
class Assessment:
    criteria: dict[str, str]  # criterion id → MET or UNSURE
    blocks: tuple[str, ...]  # reasons that prevent hiring (age, right to work)
    verdict: str

    def met(self, level: int | None = None, *, dialogs: Dialogs) -> list[str]:
        return [
            c
            for c, status in self.criteria.items()
            if status == MET and (level is None or dialogs.criteria[c].level == level)
        ]


def criteria_of(dialogs: Dialogs, step: Step, answer: Any) -> tuple[dict[str, str], list[str]]:
    """The criteria (and blocking reasons) that one answer to one step shows."""
    found: dict[str, str] = {}
    blocks: list[str] = []
    if step.kind == "text" and step.validate == "postcode" and isinstance(answer, str):
        if answer in dialogs.rule.qpv_postcodes:
            found[dialogs.rule.qpv_criterion] = UNSURE
        return found, blocks
    if not isinstance(answer, str):
        return found, blocks
    option = step.option(answer)
    if option is None:
        return found, blocks
    for criterion in option.unsure:
        found[criterion] = UNSURE
    for criterion in option.criteria:
        found[criterion] = MET
    if option.blocks:
        blocks.append(option.blocks)
    return found, blocks


def merge(into: dict[str, str], found: Mapping[str, str]) -> None:
    """Add criteria; a criterion met somewhere stays met even if unsure elsewhere."""
    for criterion, status in found.items():
        if into.get(criterion) != MET:
            into[criterion] = status


def is_eligible(dialogs: Dialogs, criteria: Mapping[str, str]) -> bool:
    """Enough criteria for the structure to hire without a referrer's diagnosis."""
    met = [c for c, status in criteria.items() if status == MET]
    level1 = sum(1 for c in met if dialogs.criteria[c].level == 1)
    level2 = sum(1 for c in met if dialogs.criteria[c].level == 2)
    return level1 >= 1 or level2 >= dialogs.rule.level2_needed


def verdict(
    dialogs: Dialogs,
    criteria: Mapping[str, str],
    blocks: Iterable[str],
    *,
    referrer_diagnosis: bool = False,
) -> str:
    if tuple(blocks):
        return PAS_POUR_VOUS
    if referrer_diagnosis:
        return A_CONFIRMER
    if is_eligible(dialogs, criteria):
        return PROBABLE
    if criteria:
        return A_CONFIRMER
    return PAS_POUR_VOUS
