"""The journey's "rendez-vous" step (kind `slot`), kept apart so that slots can grow here.

`candidate.py` delegates to these three functions:
- `view` builds the step's text and buttons;
- `on_button` handles a tap on the step and returns the answer to record (then the journey
  moves on) or None (the step stays, e.g. the tap was refused);
- `after_filing` runs once the application is filed (confirmation, calendar file, map pin).
For now there are no slots: the team will call to propose a date.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from telegram import CallbackQuery
from telegram.ext import ContextTypes

from bot import views
from bot.context import Services
from bot.dialogs import Step
from bot.i18n import _
from bot.store import Application, Conversation


def view(
    svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
) -> tuple[str, views.Markup]:
    return views.step_view(svc.dialogs, step, answers, can_go_back=can_go_back)


async def on_button(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    action: str,
) -> tuple[Any, str] | None:
    """(answer, what to show as noted) to move on, or None to stay on the step."""
    option = step.option(action)
    if option is None:
        await query.answer(views.unknown_button())
        return None
    await query.answer()
    return option.id, _(option.label)


async def after_filing(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: Application
) -> None:
    """Nothing to confirm yet: without slots, the team calls."""
