"""Where a candidate goes next: the active path through the journey's steps.

The path depends only on the answers: a step is on it when its `ask_if` holds and, for
`skip_when_eligible` steps, when the criteria shown by earlier answers are not yet enough.
Answers to steps that fell off the path (after "Retour" and a new answer) are kept but ignored.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from bot.core.dialog_types import Dialogs, Step
from bot.core.rules import eligibility

SUMMARY = "summary"  # return_to while a whole part is walked again
ONE = "one"  # return_to while one answer, chosen from the summary, is changed


@dataclass(frozen=True, slots=True)
class Path:
    steps: tuple[Step, ...]
    criteria: dict[str, str]
    flags: tuple[str, ...]  # see eligibility.toml [flags]

    @property
    def ids(self) -> list[str]:
        return [s.id for s in self.steps]

    def after(self, step_id: str) -> Step | None:
        ids = self.ids
        if step_id not in ids:
            return None
        index = ids.index(step_id) + 1
        return self.steps[index] if index < len(self.steps) else None


def is_asked(step: Step, answers: Mapping[str, Any], *, eligible: bool) -> bool:
    """Whether the path asks `step`, given the answers and whether the criteria shown so far
    are already enough."""
    for target, values in step.ask_if:
        if answers.get(target) not in values:
            return False
    return not (step.skip_when_eligible and eligible)


def active_path(dialogs: Dialogs, answers: Mapping[str, Any]) -> Path:
    """The steps the person is asked, given their answers, and what those answers show."""
    steps: list[Step] = []
    criteria: dict[str, str] = {}
    flags: list[str] = []
    eligible = False  # recomputed only when the criteria change
    index = 0
    while index < len(dialogs.steps):
        step = dialogs.steps[index]
        index += 1
        if not is_asked(step, answers, eligible=eligible):
            continue
        steps.append(step)
        if step.id not in answers:
            continue
        answer = answers[step.id]
        found, flagged = eligibility.criteria_of(dialogs, step, answer)
        if found:
            eligibility.merge(criteria, found)
            eligible = eligibility.is_eligible(dialogs, criteria)
        flags.extend(flagged)
        option = step.option(answer) if isinstance(answer, str) else None
        if option is not None and option.next:
            index = dialogs.position(option.next)
    return Path(steps=tuple(steps), criteria=criteria, flags=tuple(flags))


def active_answers(
    dialogs: Dialogs, answers: Mapping[str, Any], path: Path | None = None
) -> dict[str, Any]:
    path = path or active_path(dialogs, answers)
    return {s.id: answers[s.id] for s in path.steps if s.id in answers}


def next_step(
    dialogs: Dialogs, answers: Mapping[str, Any], current: str, *, return_to: str | None = None
) -> str:
    """The step after `current`; while a part is being modified, back to the summary when
    the part is done (the verdict is shown again after a change of situation)."""
    path = active_path(dialogs, answers)
    if return_to == ONE:
        return _after_one_change(dialogs, path, answers, current)
    following = path.after(current)
    if following is None:
        following = first_unanswered(path, answers)
    if following is None:
        return summary_id(dialogs)
    if return_to == SUMMARY:
        section = dialogs.step(current).section
        if following.section != section and following.kind != "verdict":
            missing = first_unanswered(path, answers)
            return missing.id if missing is not None else summary_id(dialogs)
    return following.id


def _after_one_change(
    dialogs: Dialogs, path: Path, answers: Mapping[str, Any], current: str
) -> str:
    """After one answer changed from the summary: a question the change brought onto the
    path, then the result again if the answer was about the situation (it may change the
    verdict), then the summary."""
    missing = first_unanswered(path, answers)
    if missing is not None:
        return missing.id
    verdict = next((s for s in path.steps if s.kind == "verdict"), None)
    if verdict is not None and dialogs.position(current) < dialogs.position(verdict.id):
        return verdict.id
    return summary_id(dialogs)


def part_answers(dialogs: Dialogs, answers: Mapping[str, Any], section: str) -> list[Step]:
    """The answered questions of one part, on the path, in order (what "Modifier" lists)."""
    path = active_path(dialogs, answers)
    return [
        s for s in path.steps if s.section == section and s.id in answers and s.kind != "verdict"
    ]


def first_unanswered(path: Path, answers: Mapping[str, Any]) -> Step | None:
    """The first step on the path still waiting for an answer (the summary never waits)."""
    return next((s for s in path.steps if s.id not in answers and s.kind not in ("summary",)), None)


def summary_id(dialogs: Dialogs) -> str:
    return dialogs.steps[-1].id


def progress(dialogs: Dialogs, step_id: str) -> tuple[int, int, str]:
    """(number of the part, number of parts, title of the part) for "Étape 3 sur 8"."""
    section = dialogs.step(step_id).section
    return dialogs.section_number(section), len(dialogs.sections), dialogs.section(section).title
