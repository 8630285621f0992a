"""The IAE eligibility self-assessment: which criteria the answers show, and the verdict.

The verdict is never a refusal: `probable` (a level-1 criterion, or enough level-2 ones),
`a_confirmer` (some criteria, criteria to check, a doubt such as an unsure right to work),
`pas_pour_vous` (an answer that blocks hiring, or nothing at all; then the bot gives
contacts and still offers to be contacted).

An authorised referrer's link (prescripteur habilité) adds a counsellor who can confirm
eligibility: it never lowers the verdict the answers give; it only lifts "nothing at all" to
`a_confirmer` (their diagnosis can make the person eligible). A blocking answer still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from bot.core.dialog_types import BLOCK, DOUBT, Dialogs, Step

PROBABLE = "probable"
A_CONFIRMER = "a_confirmer"
PAS_POUR_VOUS = "pas_pour_vous"
VERDICTS = (PROBABLE, A_CONFIRMER, PAS_POUR_VOUS)

MET = "rempli"
UNSURE = "a_verifier"


def criteria_of(dialogs: Dialogs, step: Step, answer: Any) -> tuple[dict[str, str], list[str]]:
    """The criteria (and flags) that one answer to one step shows."""
    found: dict[str, str] = {}
    flags: list[str] = []
    if step.kind == "text" and step.validate == "postcode" and isinstance(answer, str):
        if answer in dialogs.rule.qpv_postcodes:
            found[dialogs.rule.qpv_criterion] = UNSURE
        return found, flags
    if not isinstance(answer, str):
        return found, flags
    option = step.option(answer)
    if option is None:
        return found, flags
    for criterion in option.unsure:
        found[criterion] = UNSURE
    for criterion in option.criteria:
        found[criterion] = MET
    if option.flag:
        flags.append(option.flag)
    return found, flags


def with_effect(dialogs: Dialogs, flags: Iterable[str], effect: str) -> list[str]:
    return [f for f in flags if f in dialogs.flags and dialogs.flags[f].effect == effect]


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
    flags: Iterable[str],
    *,
    referrer_diagnosis: bool = False,
) -> str:
    flags = tuple(flags)
    if with_effect(dialogs, flags, BLOCK):
        return PAS_POUR_VOUS
    if is_eligible(dialogs, criteria):
        return A_CONFIRMER if with_effect(dialogs, flags, DOUBT) else PROBABLE
    if criteria or referrer_diagnosis:
        return A_CONFIRMER
    return PAS_POUR_VOUS


def has_counsellor(dialogs: Dialogs, answers: Mapping[str, Any]) -> bool:
    """Whether the person has a counsellor to confirm with (registered with France Travail,
    or sent by a referrer): any one of `[verdict] counsellor_if` in journey.toml."""
    return any(answers.get(target) in values for target, values in dialogs.counsellor_if)
