"""Moving along the journey: an answer recorded and the next step shown, back, a change from
the summary, the filing, the end.

Each move saves where the person is (SQLite) before showing anything.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message
from telegram.ext import ContextTypes

from bot.core import dialog_views as views
from bot.core.application_store import Conversation
from bot.core.dialog_types import Option, Step
from bot.core.feature import at_ending, referrals
from bot.core.i18n import _
from bot.core.outbox import handlers as outbox
from bot.core.rules import ids as journey_ids
from bot.core.rules import latin
from bot.core.rules.steps import (
    ONE,
    active_answers,
    active_path,
    first_unanswered,
    next_step,
)
from bot.core.services import Services
from bot.core.telegram_bot import reply, send_or_edit
from bot.journey import owed
from bot.journey.language import keep_language
from bot.journey.screen import show, step_message, verdict_of


async def choose(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    option: Option,
) -> None:
    """An option was chosen: its effects (consent, end), then the next step."""
    if option.end is not None:
        # An answer that ends for a reason (under 16) is counted apart from a "Non merci".
        reason = "too_young" if option.flag else None
        await end_journey(source, svc, conversation.user_id, option.end, action=reason)
        return
    if option.consent == "main" and conversation.application_id is None:
        draft = svc.store.start_draft(conversation.user_id, source=conversation.source)
        # Kept from the consent on (nothing is kept before it): reminders and decisions,
        # sent outside the person's own updates, need it.
        keep_language(svc, conversation.user_id)
        conversation.application_id = draft.id
        answers = dict(draft.answers)
        # Facts for `ask_if` (came through a referrer's link: the follow-up question).
        answers.update(referrals().journey_facts(svc, conversation.source))
    if option.consent == "sensitive" and conversation.application_id is not None:
        svc.store.set_sensitive_consent(conversation.application_id, True)
    elif step.id == journey_ids.SENSITIVE_CONSENT and conversation.application_id is not None:
        svc.store.set_sensitive_consent(conversation.application_id, False)
    referrals().record_answer(svc, conversation.application_id, step, option)
    if step.id == journey_ids.LATIN_NAME and option.id == latin.WRITE:
        # "Je l'écris moi-même": the same question waits for her typed spelling.
        text, markup = step_message(svc, conversation, answers)
        await send_or_edit(source, f"{views.latin_prompt()}\n\n{text}", markup)
        return
    if step.id == journey_ids.LATIN_NAME and option.id == latin.CONFIRM:
        # "C'est bien ça": the spelling she confirmed is her answer (shown on the summary).
        confirmed = latin.proposed(answers)
        await advance(source, svc, conversation, answers, step, confirmed, noted=confirmed)
        return
    await advance(source, svc, conversation, answers, step, option.id, noted=_(option.label))


async def advance(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    value: Any,
    *,
    noted: str,
) -> None:
    """Record the answer and where the person is now (one transaction), then show the step."""
    previous = answers.get(step.id)
    answers[step.id] = value
    latin.after_name(answers, step.id, previous)  # a name: is its Latin form uncertain?
    following = next_step(svc.dialogs, answers, step.id, return_to=conversation.return_to)
    if step.kind != "choice" or not any(o.consent == "main" for o in step.options):
        conversation.history.append(step.id)
    conversation.step = following
    if svc.dialogs.step(following).kind == "summary":
        conversation.return_to = None
    svc.store.save_conversation(conversation, answers=answers)
    await show(source, svc, conversation, answers, noted=noted, from_step=step)


async def go_back(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
) -> None:
    if not conversation.history:
        await send_or_edit(source, *step_message(svc, conversation, answers))
        return
    left = svc.dialogs.step(conversation.step)
    conversation.step = conversation.history.pop()
    svc.store.save_conversation(conversation)
    await show(source, svc, conversation, answers, from_step=left)


async def change_one(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    summary: Step,
    target: Step,
) -> None:
    """Open one question from the summary; once answered, the bot comes back to it."""
    conversation.history.append(summary.id)
    conversation.step = target.id
    conversation.return_to = ONE
    svc.store.save_conversation(conversation)
    await show(query, svc, conversation, answers)


async def file(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    """File the application: on disk (compare-and-set, fsync) before the person is told."""
    path = active_path(svc.dialogs, answers)
    missing = first_unanswered(path, answers)
    if missing is not None or conversation.application_id is None:
        if missing is not None:
            conversation.step = missing.id
            svc.store.save_conversation(conversation)
        await show(query, svc, conversation, answers, noted=_("Il manque une réponse."))
        return
    kept = active_answers(svc.dialogs, answers, path)
    workshops_step = views.workshops_step(svc.dialogs)
    contact_step = svc.dialogs.step(journey_ids.PHONE)
    application, filed_now = svc.store.file_application(
        conversation.application_id,
        fields={
            "answers": kept,
            "criteria": path.criteria,
            "verdict": verdict_of(svc, answers, conversation.source, path),
            # None chosen after "Je ne sais pas" (the card says the team advises).
            "workshops": views.chosen_workshops(kept.get(workshops_step.id)),
            "first_name": kept.get(journey_ids.FIRST_NAME),
            "last_name": kept.get(journey_ids.LAST_NAME),
            "phone": kept.get(contact_step.id),
            "email": kept.get(journey_ids.EMAIL) or None,
            "latin_name": latin.filed(
                kept, kept.get(journey_ids.FIRST_NAME), kept.get(journey_ids.LAST_NAME)
            ),
        },
        # Committed with the filing, delivered after it (again after a crash if need be).
        owed=outbox.owed_by_filing(svc, conversation.user_id),
        reference_prefix=svc.dialogs.structure.reference_prefix,
    )
    if filed_now:
        await outbox.deliver(context, svc, application.id, filed_query=query)
        return
    # A double tap: the first one filed it; say so again.
    await send_or_edit(query, owed.filed_text(svc, application), None)
    if isinstance(query.message, Message):
        await reply(query.message, owed.next_steps_text(svc))


async def file_callback(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    option: Option,
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    """The last call-back question answered: a call-back request is filed instead of an
    application (no workshop, no rendez-vous), on disk before the person is told."""
    answers[step.id] = option.id
    path = active_path(svc.dialogs, answers)
    last = svc.dialogs.position(step.id)
    # Only what says who to call, when, and why (the answers up to here).
    kept = {
        s.id: answers[s.id]
        for s in path.steps
        if s.id in answers and svc.dialogs.position(s.id) <= last
    }
    name, phone = kept.get(journey_ids.CALLBACK_NAME), kept.get(journey_ids.CALLBACK_PHONE)
    if conversation.application_id is None or not name or not phone:
        missing = first_unanswered(path, answers)
        if missing is not None:
            conversation.step = missing.id
        svc.store.save_conversation(conversation, answers=answers)
        await show(source, svc, conversation, answers, noted=_("Il manque une réponse."))
        return
    request, filed_now = svc.store.file_callback(
        conversation.application_id,
        name=str(name),
        phone=str(phone),
        answers=kept,
        owed=outbox.owed_by_callback(svc, conversation.user_id),
    )
    query = source if isinstance(source, CallbackQuery) else None
    if filed_now:
        await outbox.deliver(context, svc, request.id, filed_query=query)
        return
    await send_or_edit(source, owed.callback_text(svc, request), None)


async def end_journey(
    source: CallbackQuery | Message,
    svc: Services,
    user_id: int,
    message_key: str,
    *,
    action: str | None = None,
) -> None:
    """ "Non merci", or an answer that ends the journey: nothing kept, a kind word and doors
    to knock on."""
    has_draft = svc.store.active_application(user_id) is not None
    # Counted apart in the funnel: a "Non merci" at the consent question, or later on.
    default = "declined" if has_draft else "declined_consent"
    svc.store.abandon_draft(user_id, action=action or default)
    text = "\n\n".join([_(svc.dialogs.messages[message_key]), views.contacts_text(svc.dialogs)])
    await send_or_edit(source, text, None)
    if action is not None:  # an answer that ends for a reason (under 16): a dead end
        await at_ending(source.get_bot(), svc, user_id, {})
