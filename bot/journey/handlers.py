"""The candidate's journey: /start, one generic handler per kind of input, all steps from data
(moves in `moves`, showing a step in `screen`, typed answers in `typed_answers`).

Where the person is lives in SQLite (`conversations`), never only in memory: a restarted
process continues every conversation where it was. Each inline button carries the step it
answers; a button whose step is not the current one is old and is answered kindly.
"""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message, Update
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core import dialog_views as views
from bot.core.application_store import Conversation
from bot.core.dialog_types import Step
from bot.core.feature import referrals, sessions, step_kind
from bot.core.i18n import _, translated
from bot.core.rules import ids as journey_ids
from bot.core.rules import standing
from bot.core.rules.contact import (
    clean_phone,
    display_phone,
)
from bot.core.rules.steps import (
    active_path,
    part_answers,
)
from bot.core.services import Services, services
from bot.core.telegram_bot import reply, send_or_edit
from bot.journey.language import welcome_markup
from bot.journey.moves import advance, change_one, choose, file, file_callback, go_back
from bot.journey.screen import (
    answer_old_button,
    draft_answers,
    no_journey_text,
    send_step,
    step_message,
)
from bot.journey.typed_answers import (
    ask_to_tap_above,
    choose_no_workshop,
    invalid_text_reason,
    on_name_offer,
    on_typed_name,
    on_typed_workshops,
    typed_option,
    typed_quick_answer,
    validate_text,
)

# --- entry points -----------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: welcome and consent, or resume, or show the application already sent."""
    svc = services(context)
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    source = referrals().source_for(svc, context.args[0] if context.args else None)
    said, text = sessions().start_text(svc, user.id)
    if said.start == standing.SHOW and text:
        await reply(message, text)
        return
    if said.closed and text:  # refused or withdrawn: said as /statut says it, then a new one
        await reply(message, text)
    conversation = svc.store.conversation(user.id)
    if conversation is not None and svc.dialogs.has_step(conversation.step):
        await reply(message, translated(svc.dialogs.messages, "welcome_back"))
        await send_step(message, svc, conversation)
        return
    await begin(message, svc, user.id, source)


async def begin(message: Message, svc: Services, user_id: int, source: str | None) -> None:
    """The welcome, then the consent question (nothing personal is kept before it)."""
    conversation = Conversation(user_id=user_id, step=svc.dialogs.steps[0].id, source=source)
    svc.store.save_conversation(conversation)
    welcome = translated(svc.dialogs.messages, "welcome")
    note = referrals().welcome_note(svc, source)
    await reply(
        message,
        f"{welcome}\n\n{note}" if note else welcome,
        reply_markup=welcome_markup(svc),
    )
    await send_step(message, svc, conversation)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any journey button: check it answers the current step, then act on it."""
    query = update.callback_query
    user = update.effective_user
    if query is None or user is None:
        return
    svc = services(context)
    data = callbacks.parse(query.data)
    conversation = svc.store.conversation(user.id)
    if data is None or conversation is None or conversation.step != data.subject:
        await answer_old_button(query, svc, user.id, data)
        return
    step = svc.dialogs.step(conversation.step)
    answers = draft_answers(svc, conversation)
    action = data.action
    if action == callbacks.RESUME:
        await query.answer()
        if isinstance(query.message, Message):
            await send_step(query.message, svc, conversation, answers=answers)
        return
    if action == callbacks.BACK:
        await query.answer()
        await go_back(query, svc, conversation, answers)
        return
    if step.kind == "multi":
        await on_workshop_button(query, svc, conversation, answers, step, action)
        return
    if step.kind == "summary":
        await on_summary_button(query, svc, conversation, answers, step, action, context)
        return
    if step.kind == "slot":
        chosen = await sessions().on_button(query, svc, conversation, answers, step, action)
        if chosen is not None:
            value, noted = chosen
            await advance(query, svc, conversation, answers, step, value, noted=noted)
        return
    kind = step_kind(step.kind)  # a kind a feature shows (the orientation's "needs")
    if kind is not None:
        chosen = await kind.on_button(query, svc, conversation, answers, step, action)
        if chosen is not None:
            value, noted = chosen
            await advance(query, svc, conversation, answers, step, value, noted=noted)
        return
    if step.kind == "text" and action == callbacks.SKIP and step.optional:
        await query.answer()
        await advance(query, svc, conversation, answers, step, "", noted=_("(pas de réponse)"))
        return
    if step.kind == "text" and action.startswith(callbacks.NAME):
        await query.answer()
        await on_name_offer(query, svc, conversation, answers, step, action)
        return
    option = step.option(action)
    if option is None or (step.kind == "text" and option not in step.quick):
        await query.answer(views.unknown_button())
        return
    await query.answer()
    if step.id == journey_ids.CALLBACK_TIME:  # the call-back's last question: it is filed
        await file_callback(query, svc, conversation, answers, step, option, context)
        return
    await choose(query, svc, conversation, answers, step, option)


async def _journey_of(message: Message, svc: Services, user_id: int) -> Conversation | None:
    """The person's conversation at a step of the journey; None, once told how to start,
    when there is none."""
    conversation = svc.store.conversation(user_id)
    if conversation is None or not svc.dialogs.has_step(conversation.step):
        await reply(message, no_journey_text(svc, user_id))
        return None
    return conversation


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text: the answer to a text step, a typed phone number, or a gentle reminder."""
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    conversation = await _journey_of(message, svc, user.id)
    if conversation is None:
        return
    step = svc.dialogs.step(conversation.step)
    answers = draft_answers(svc, conversation)
    text = message.text.strip()
    if text == views.back_label() and conversation.history:
        await go_back(message, svc, conversation, answers)
        return
    if step.kind == "text" and step.validate == "name":
        await on_typed_name(message, svc, conversation, answers, step, text)
        return
    if step.kind == "text":
        value = validate_text(step, text)
        if value is None:
            quick = typed_quick_answer(step, text)  # "je sais pas" for "Je ne sais pas"
            if quick is not None:
                await choose(message, svc, conversation, answers, step, quick)
                return
            await reply(message, invalid_text_reason(step))
            return
        await advance(message, svc, conversation, answers, step, value, noted=value)
        return
    if step.kind == "contact":
        phone = clean_phone(text)
        if phone is None:
            await reply(
                message,
                _(
                    "Ce numéro ne semble pas juste. Écrivez-le avec les chiffres, par exemple "
                    "06 12 34 56 78. Ou touchez « Envoyer mon numéro »."
                ),
            )
            return
        await advance(message, svc, conversation, answers, step, phone, noted=display_phone(phone))
        return
    if step.kind == "multi":
        await on_typed_workshops(message, svc, conversation, answers, step, text)
        return
    typed = typed_option(step, text)
    if typed is not None and step.id == journey_ids.CALLBACK_TIME:
        await file_callback(message, svc, conversation, answers, step, typed, context)
        return
    if typed is not None:
        await choose(message, svc, conversation, answers, step, typed)
        return
    if step.kind == "summary":
        await ask_to_tap_above(message, step)
        return
    await reply(message, _("Je n'ai pas compris. Touchez un des boutons, s'il vous plaît."))
    await send_step(message, svc, conversation, answers=answers)


async def on_contact(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A shared contact: the person's own phone number on the phone step."""
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.contact is None:
        return
    conversation = await _journey_of(message, svc, user.id)
    if conversation is None:
        return
    step = svc.dialogs.step(conversation.step)
    answers = draft_answers(svc, conversation)
    if step.kind != "contact":
        await reply(message, _("Merci. Je n'ai pas besoin de ce contact maintenant."))
        await send_step(message, svc, conversation, answers=answers)
        return
    if message.contact.user_id != user.id:
        await reply(
            message,
            _("Ce numéro n'est pas le vôtre. Touchez « Envoyer mon numéro », s'il vous plaît."),
        )
        return
    phone = clean_phone(message.contact.phone_number)
    if phone is None:
        await reply(message, _("Je ne peux pas lire ce numéro. Écrivez-le, s'il vous plaît."))
        return
    await advance(message, svc, conversation, answers, step, phone, noted=display_phone(phone))


async def on_other_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A sticker, a photo, a voice note, a location…: say kindly what the bot can read."""
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None:
        return
    conversation = await _journey_of(message, svc, user.id)
    if conversation is None:
        return
    await reply(
        message,
        _(
            "Je ne peux pas lire ce message. Répondez avec les boutons ou en écrivant, "
            "s'il vous plaît."
        ),
    )
    await send_step(message, svc, conversation)


# --- the workshops' and the summary's buttons ---------------------------------------------


async def on_workshop_button(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    action: str,
) -> None:
    """Tap a workshop to choose it (the order of taps is the order of preference), again to
    remove it; "Valider" goes on."""
    chosen = views.chosen_workshops(answers.get(step.id))
    option = step.option(action)
    if option is not None:  # "Je ne sais pas": no workshop, the team will advise
        await query.answer()
        await choose_no_workshop(query, svc, conversation, answers, step, option)
        return
    if action == callbacks.DONE:
        if not chosen:
            await query.answer(_("Choisissez au moins un atelier, s'il vous plaît."))
            return
        await query.answer()
        await advance(
            query,
            svc,
            conversation,
            answers,
            step,
            chosen,
            noted=views.workshop_list(svc.dialogs, chosen),
        )
        return
    if svc.dialogs.workshop(action) is None:
        await query.answer(views.unknown_button())
        return
    if action in chosen:
        chosen.remove(action)
    else:
        chosen.append(action)
    answers[step.id] = chosen
    # A date tied to a workshop she removed is freed (and asked again): see bot.slots.sessions.
    freed = sessions().workshops_changed(svc, conversation.application_id, answers, chosen)
    svc.store.save_conversation(conversation, answers=answers)
    await query.answer()
    text, markup = step_message(svc, conversation, answers)
    await send_or_edit(query, f"{freed}\n\n{text}" if freed else text, markup)


async def on_summary_button(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    action: str,
    context: ContextTypes.DEFAULT_TYPE,
) -> None:
    if action.startswith(callbacks.EDIT):
        section = action.removeprefix(callbacks.EDIT)
        path = active_path(svc.dialogs, answers)
        first = next((s for s in path.steps if s.section == section), None)
        if section not in views.EDITABLE_SECTIONS or first is None:
            await query.answer(views.unknown_button())
            return
        await query.answer()
        answered = part_answers(svc.dialogs, answers, section)
        if len(answered) > 1:
            # Several questions: list them, one tap opens the one to change.
            labels = sessions().summary_labels(svc, answers)
            view = views.part_view(svc.dialogs, step, answers, section, labels=labels)
            await send_or_edit(query, *view)
            return
        # One question (or none answered yet): open it; back to the summary after it.
        await change_one(
            query, svc, conversation, answers, step, answered[0] if answered else first
        )
        return
    if action.startswith(callbacks.CHANGE):
        target = action.removeprefix(callbacks.CHANGE)
        changeable = {
            s.id: s
            for section in views.EDITABLE_SECTIONS
            for s in part_answers(svc.dialogs, answers, section)
        }
        if target not in changeable:
            await query.answer(views.unknown_button())
            return
        await query.answer()
        await change_one(query, svc, conversation, answers, step, changeable[target])
        return
    if action == callbacks.SUMMARY:
        await query.answer()
        await send_or_edit(query, *step_message(svc, conversation, answers))
        return
    if action != callbacks.SEND:
        await query.answer(views.unknown_button())
        return
    await query.answer()
    await file(query, svc, conversation, answers, context)
