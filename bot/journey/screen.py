"""Showing the current step of the journey, and the kind words for an old button or no journey."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from telegram.error import BadRequest

from bot.core import callbacks
from bot.core import dialog_views as views
from bot.core.application_store import Conversation
from bot.core.dialog_types import Step
from bot.core.feature import at_ending, read_aloud, referrals, sessions, step_kind, with_listen
from bot.core.i18n import _
from bot.core.rules import eligibility, standing
from bot.core.rules.ids import verdict_key
from bot.core.rules.steps import (
    Path,
    active_path,
)
from bot.core.services import Services
from bot.core.telegram_bot import reply, send_or_edit


def draft_answers(svc: Services, conversation: Conversation) -> dict[str, Any]:
    if conversation.application_id is None:
        return {}
    return svc.store.draft_answers(conversation.application_id)


def verdict_of(
    svc: Services, answers: dict[str, Any], source: str | None, path: Path | None = None
) -> str:
    path = path or active_path(svc.dialogs, answers)
    return eligibility.verdict(
        svc.dialogs,
        path.criteria,
        path.flags,
        referrer_diagnosis=referrals().is_referrer_diagnosis(svc, source),
    )


def step_message(
    svc: Services, conversation: Conversation, answers: dict[str, Any]
) -> tuple[str, views.Markup]:
    step = svc.dialogs.step(conversation.step)
    verdict = verdict_of(svc, answers, conversation.source) if step.kind == "verdict" else None
    kind = step_kind(step.kind)
    if step.kind == "slot":
        text, markup = sessions().view(svc, step, answers, can_go_back=bool(conversation.history))
    elif kind is not None:  # a kind a feature shows (the orientation's "needs")
        text, markup = kind.view(svc, step, answers, can_go_back=bool(conversation.history))
    else:
        text, markup = _step_view(svc, conversation, answers, step, verdict)
    if step.id == svc.dialogs.steps[0].id and not conversation.history:
        markup = _with_languages(markup)
    return text, with_listen(svc, markup, _voice_key(step, verdict))


def _voice_key(step: Step, verdict: str | None) -> str:
    """The recording of the step shown: the result has one per verdict."""
    return verdict_key(step.id, verdict) if verdict is not None else step.id


async def _read_aloud(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
) -> None:
    """The step's voice note, for a person who hears every message (only then is the key,
    the verdict's included, worked out)."""
    if not svc.store.reads_aloud(conversation.user_id):
        return
    step = svc.dialogs.step(conversation.step)
    verdict = verdict_of(svc, answers, conversation.source) if step.kind == "verdict" else None
    key = _voice_key(step, verdict)
    await read_aloud(source.get_bot(), svc, conversation.user_id, key)


def _with_languages(markup: views.Markup) -> views.Markup:
    """The first question offers the languages (the welcome is just above it)."""
    rows = views.language_rows(views.LANGUAGES_AT_WELCOME)
    if not rows or isinstance(markup, ReplyKeyboardMarkup):
        return markup
    kept = [list(row) for row in markup.inline_keyboard] if markup is not None else []
    return InlineKeyboardMarkup([*kept, *rows])


def _step_view(
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    verdict: str | None,
) -> tuple[str, views.Markup]:
    return views.step_view(
        svc.dialogs,
        step,
        answers,
        can_go_back=bool(conversation.history),
        verdict=verdict,
        labels=sessions().summary_labels(svc, answers) if step.kind == "summary" else None,
    )


async def show(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    *,
    noted: str | None = None,
    from_step: Step | None = None,
) -> None:
    """Show the current step: in place of the question just answered by a button, or as a
    new message after typed text. The phone step needs a new message (a reply keyboard).
    Then its voice note, for a person who hears every message."""
    await _show(source, svc, conversation, answers, noted=noted, from_step=from_step)
    await _read_aloud(source, svc, conversation, answers)
    if _reached_dead_end(svc, conversation, answers, from_step):
        await at_ending(source.get_bot(), svc, conversation.user_id, answers)


def _reached_dead_end(
    svc: Services, conversation: Conversation, answers: dict[str, Any], from_step: Step | None
) -> bool:
    """Just arrived, going forward, at a result that is "pas pour vous" (no right to work,
    or not eligible): a dead end, where features add what they have (other help)."""
    step = svc.dialogs.step(conversation.step)
    if step.kind != "verdict" or from_step is None or from_step.kind == "verdict":
        return False
    if svc.dialogs.position(from_step.id) > svc.dialogs.position(step.id):
        return False  # back from a later question: said already
    return verdict_of(svc, answers, conversation.source) == eligibility.PAS_POUR_VOUS


async def _show(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    *,
    noted: str | None,
    from_step: Step | None,
) -> None:
    text, markup = step_message(svc, conversation, answers)
    note = _("✔️ {answer}").format(answer=noted) if noted else None
    if isinstance(source, CallbackQuery):
        if not isinstance(markup, ReplyKeyboardMarkup):
            await send_or_edit(source, f"{note}\n\n{text}" if note else text, markup)
            return
        # The phone step: the answered question keeps only the answer, the step comes below.
        # Coming back to it ("Retour"), the question left is taken away instead.
        if note is None:
            await take_away(source)
        else:
            await send_or_edit(source, note, None)
        if isinstance(source.message, Message):
            await reply(source.message, text, reply_markup=markup)
        return
    if from_step is not None and from_step.kind == "contact":
        # Take the "Envoyer mon numéro" keyboard away before the next question.
        await reply(source, note or _("✔️ D'accord."), reply_markup=ReplyKeyboardRemove())
        await reply(source, text, reply_markup=markup)
        return
    await reply(source, f"{note}\n\n{text}" if note else text, reply_markup=markup)


async def send_step(
    message: Message,
    svc: Services,
    conversation: Conversation,
    *,
    answers: dict[str, Any] | None = None,
) -> None:
    """Send the current step as a new message (after /start, a reminder, or bad input)."""
    if answers is None:
        answers = draft_answers(svc, conversation)
    text, markup = step_message(svc, conversation, answers)
    await reply(message, text, reply_markup=markup)
    await _read_aloud(message, svc, conversation, answers)


async def take_away(query: CallbackQuery) -> None:
    """Delete the message of the button (best effort: otherwise its buttons go)."""
    if not isinstance(query.message, Message):
        return
    try:
        await query.message.delete()
    except BadRequest:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


async def answer_old_button(
    query: CallbackQuery, svc: Services, user_id: int, data: callbacks.Callback | None
) -> None:
    """A button from an earlier step, a double tap, or forged data: a kind word, no change."""
    if data is not None and data.action == callbacks.SEND:
        application = svc.store.active_application(user_id)
        if application is not None and application.reference:
            await query.answer(
                _("Votre candidature est déjà enregistrée : {reference}.").format(
                    reference=application.reference
                )
            )
            return
    await query.answer(
        _("Ce bouton n'est plus valable. Répondez à la dernière question, s'il vous plaît.")
    )
    conversation = svc.store.conversation(user_id) if data is not None else None
    if (
        data is not None
        and conversation is not None
        and svc.dialogs.has_step(data.subject)
        and svc.dialogs.has_step(conversation.step)
        and isinstance(query.message, Message)
    ):
        # A question of her journey, already answered: the message shows the current one
        # again. After a double tap it already does ("not modified"); after an edit that
        # never reached her (a network failure), she would otherwise be left with no button.
        answers = draft_answers(svc, conversation)
        await send_or_edit(query, *step_message(svc, conversation, answers))
        return
    # Take the old buttons away so that they are not pressed again (best effort).
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


def no_journey_text(svc: Services, user_id: int) -> str:
    said, text = sessions().start_text(svc, user_id)
    if said.start == standing.SHOW and text:
        return text
    if said.closed:
        return sessions().status_text(svc, user_id)
    return _("Bonjour ! Pour commencer votre candidature, touchez /start.")
