"""A Mermaid diagram of the candidate journey, generated from `dialogs/journey.toml`
(`python -m bot diagram`), so that the journey can be seen as well as read."""

from __future__ import annotations

from bot.core.dialog_types import Dialogs


def journey_mermaid(dialogs: Dialogs) -> str:
    """Steps grouped by part; arrows for the order, dotted ones for conditions and endings."""
    lines = ["flowchart TD"]
    for section in dialogs.sections:
        lines.append(f'    subgraph part_{section.id}["{section.title}"]')
        lines.extend(
            f'        {step.id}["{_label(step.short or step.text)}"]'
            for step in dialogs.steps
            if step.section == section.id
        )
        lines.append("    end")
    for current, following in zip(dialogs.steps, dialogs.steps[1:], strict=False):
        lines.append(f"    {current.id} --> {following.id}")
    for step in dialogs.steps:
        for target, values in step.ask_if:
            lines.append(f'    {target} -. "{" / ".join(values)}" .-> {step.id}')
        if step.skip_when_eligible:
            lines.append(f"    {step.id}:::skippable")
        for option in step.options:
            if option.end:
                lines.append(
                    f'    {step.id} -. "{_label(option.label)}" .-> end_{option.end}(["fin"])'
                )
            if option.next:
                lines.append(f'    {step.id} -. "{_label(option.label)}" .-> {option.next}')
    lines.append("    classDef skippable stroke-dasharray: 4 2")
    return "\n".join(lines) + "\n"


def _label(text: str) -> str:
    short = text if len(text) <= 48 else text[:45].rstrip() + "…"
    return short.replace('"', "'")
