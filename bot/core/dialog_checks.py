"""The journey's checks across files (an unknown criterion, a dangling skip target, a
missing message), and when an edit made while the bot runs must wait for a restart."""

from __future__ import annotations

from bot.core.dialog_files import placeholder_problems
from bot.core.dialog_types import (
    APPLICATION_STATES,
    CONSENTS,
    CONTEXT_FACTS,
    REQUIRED_MESSAGES,
    Dialogs,
    Structure,
)
from bot.core.rules import ids as journey_ids


def cross_checks(dialogs: Dialogs) -> list[str]:
    """References between files: unknown criterion, dangling skip target, missing message."""
    problems: list[str] = []
    section_ids = {s.id for s in dialogs.sections}
    seen: set[str] = set()
    for step in dialogs.steps:
        where = f"journey.toml: step {step.id!r}"
        if step.id in seen:
            problems.append(f"{where}: the id is used twice")
        seen.add(step.id)
        if step.section not in section_ids:
            problems.append(f"{where}: unknown section {step.section!r}")
        # {latin}: the Latin form proposed (bot/core/dialog_views.py); else the structure's.
        for text in (step.text, step.hint, step.summary, step.short):
            problems.extend(f"{where}: {p}" for p in placeholder_problems(text or "", {"latin"}))
        if step.kind in ("choice", "verdict", "slot") and not step.options:
            problems.append(f"{where}: a {step.kind} step needs options")
        option_ids = [o.id for o in (*step.options, *step.quick)]
        if len(option_ids) != len(set(option_ids)):
            problems.append(f"{where}: two options share an id")
        for option in (*step.options, *step.quick):
            for criterion in (*option.criteria, *option.unsure):
                if criterion not in dialogs.criteria:
                    problems.append(
                        f"{where}: option {option.id!r} names unknown criterion {criterion!r}"
                    )
            if option.next is not None and not dialogs.has_step(option.next):
                problems.append(
                    f"{where}: option {option.id!r} skips to unknown step {option.next!r}"
                )
            if option.flag is not None and option.flag not in dialogs.flags:
                problems.append(f"{where}: option {option.id!r} names unknown flag {option.flag!r}")
            if option.end is not None and option.end not in dialogs.messages:
                problems.append(
                    f"{where}: option {option.id!r} ends with unknown message {option.end!r}"
                )
            if option.consent is not None and option.consent not in CONSENTS:
                problems.append(
                    f"{where}: option {option.id!r} consent must be one of {sorted(CONSENTS)}"
                )
        for target, values in step.ask_if:
            if target in CONTEXT_FACTS:
                problems.extend(
                    f"{where}: ask_if {target}={value!r} must be one of {CONTEXT_FACTS[target]}"
                    for value in values
                    if value not in CONTEXT_FACTS[target]
                )
                continue
            if not dialogs.has_step(target):
                problems.append(f"{where}: ask_if names unknown step {target!r}")
                continue
            if dialogs.position(target) >= dialogs.position(step.id):
                problems.append(f"{where}: ask_if must name an earlier step, not {target!r}")
            target_options = {o.id for o in dialogs.step(target).options}
            for value in values:
                if value not in target_options:
                    problems.append(
                        f"{where}: ask_if {target}={value!r} is not an option of {target!r}"
                    )
    for target, values in dialogs.counsellor_if:
        if target in CONTEXT_FACTS:
            continue
        if not dialogs.has_step(target):
            problems.append(f"journey.toml: [verdict] counsellor_if names unknown step {target!r}")
            continue
        options = {o.id for o in dialogs.step(target).options}
        problems.extend(
            f"journey.toml: [verdict] counsellor_if {target}={value!r} is not an option"
            for value in values
            if value not in options
        )
    # The phone is asked twice in the file (the application's, the call-back's): which one is
    # which is said by their ids (rules/ids.py), not by their kind.
    for kind in ("verdict", "multi", "summary"):
        if sum(1 for s in dialogs.steps if s.kind == kind) != 1:
            problems.append(f"journey.toml: there must be exactly one step of kind {kind!r}")
    if dialogs.steps and dialogs.steps[-1].kind != "summary":
        problems.append("journey.toml: the last step must be the summary")
    for key in REQUIRED_MESSAGES:
        if key not in dialogs.messages:
            problems.append(f"journey.toml: [messages] lacks {key!r}")
    for state in APPLICATION_STATES:
        if state not in dialogs.states:
            problems.append(f"journey.toml: [states] lacks {state!r}")
    if not dialogs.workshops:
        problems.append("workshops.toml: at least one workshop is needed")
    problems += journey_ids.problems_of(
        {s.id: (s.kind, {o.id for o in s.options}) for s in dialogs.steps},
        {section.id for section in dialogs.sections},
    )
    return problems


def go_live_gaps(
    structure: Structure, staff_ids: frozenset[int], staff_chat_id: int | None = None
) -> list[str]:
    """What a structure must fill before real candidates use the bot: valid as it is (the
    demo and the tests run), but people would meet a dead end. `python -m bot check` starts
    with these lines; `python -m bot run` with a token logs them at every start."""
    gaps = []
    if not structure.phone:
        gaps.append(
            "structure.toml: phone is empty. Candidates are told to come to the front desk "
            "instead of calling; add the front desk's number when it is known."
        )
    if not structure.hours:
        gaps.append("structure.toml: hours are empty. Candidates do not know when to come.")
    if not structure.qpv_postcodes:
        gaps.append(
            "structure.toml: [area] qpv_postcodes is empty. The priority-area criterion (QPV) "
            "is never suggested; list the postcodes that have one (sig.ville.gouv.fr)."
        )
    if not staff_ids:
        gaps.append(
            "TREMPLIN_STAFF_IDS is empty: nobody can open the queue, decide on an application "
            "or call back a person who asked for it"
            + ("" if staff_chat_id else ", and new applications reach no one")
            + ". Send /whoami to the bot to learn your user id."
        )
    for contact in structure.contacts:
        if not contact.address and not contact.phone:
            gaps.append(
                f'structure.toml: contact "{contact.name}": address and phone are empty. '
                "Candidates read its name with no way to reach it."
            )
    return gaps


def keeps(running: Dialogs, new: Dialogs) -> list[str]:
    """Why a valid new journey must wait for a restart, or nothing (it is used at once).

    A conversation in progress is at a step and keeps the steps it came through (to go
    back); its answers are read by their step's kind. A new version that removes a step, or
    changes a step's kind, would leave such a conversation pointing at nothing: the running
    bot keeps the journey it has until it starts again (a restart is the moment such a
    change is made, as before). Anything else (texts, options, order, criteria, flags,
    workshops, the structure, a new step) is used from the next update on."""
    problems: list[str] = []
    for step in running.steps:
        if not new.has_step(step.id):
            problems.append(
                f"journey.toml: step {step.id!r} was removed or renamed: "
                "restart the bot to use the new journey"
            )
        elif new.step(step.id).kind != step.kind:
            problems.append(
                f"journey.toml: step {step.id!r} changed kind ({step.kind!r} to "
                f"{new.step(step.id).kind!r}): restart the bot to use the new journey"
            )
    return problems
