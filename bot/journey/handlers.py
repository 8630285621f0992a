"""The candidate's journey: /start, one generic handler per kind of input, all steps from data.

Where the person is lives in SQLite (`conversations`), never only in memory: a restarted
process continues every conversation where it was. Each inline button carries the step it
answers; a button whose step is not the current one is old and is answered kindly.
"""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import CallbackQuery, Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core.i18n import _
from bot.core.states import State
from bot.core.telegram_bot import reply, send_or_edit
from bot.journey import views
from bot.journey.dialogs import Option, Step
from bot.journey.rules import eligibility
from bot.journey.rules import ids as journey_ids
from bot.journey.rules.contact import (
    NAME_OFFER,
    clean_email,
    clean_name,
    clean_phone,
    clean_postcode,
    display_phone,
    read_name,
)
from bot.journey.rules.steps import (
    ONE,
    Path,
    active_answers,
    active_path,
    first_unanswered,
    next_step,
    part_answers,
)
from bot.journey.rules.typed import match_option, match_options
from bot.journey.store import CandidateApplication, Conversation
from bot.outbox import handlers as outbox
from bot.referrers import referral
from bot.services import Services, services
from bot.slots import journey_step as slot_step

# --- entry points -----------------------------------------------------------------------


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/start [code]: welcome and consent, or resume, or show the application already sent."""
    svc = services(context)
    user = update.effective_user
    message = update.effective_message
    if user is None or message is None:
        return
    source = referral.source_for(svc, context.args[0] if context.args else None)
    application = svc.store.active_application(user.id)
    if application is not None and application.state != State.DRAFT:
        await reply(message, existing_application_text(svc, application))
        return
    conversation = svc.store.conversation(user.id)
    if conversation is not None and svc.dialogs.has_step(conversation.step):
        await reply(message, _(svc.dialogs.messages["welcome_back"]))
        await send_step(message, svc, conversation)
        return
    await begin(message, svc, user.id, source)


async def begin(message: Message, svc: Services, user_id: int, source: str | None) -> None:
    """The welcome, then the consent question (nothing personal is kept before it)."""
    conversation = Conversation(user_id=user_id, step=svc.dialogs.steps[0].id, source=source)
    svc.store.save_conversation(conversation)
    welcome = _(svc.dialogs.messages["welcome"])
    note = referral.welcome_note(svc, source)
    await reply(message, f"{welcome}\n\n{note}" if note else welcome)
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
        chosen = await slot_step.on_button(query, svc, conversation, answers, step, action)
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
    await choose(query, svc, conversation, answers, step, option)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Typed text: the answer to a text step, a typed phone number, or a gentle reminder."""
    svc = services(context)
    message = update.effective_message
    user = update.effective_user
    if message is None or user is None or message.text is None:
        return
    conversation = svc.store.conversation(user.id)
    if conversation is None or not svc.dialogs.has_step(conversation.step):
        await reply(message, no_journey_text(svc, user.id))
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
    typed = _typed_option(step, text)
    if typed is not None:
        await choose(message, svc, conversation, answers, step, typed)
        return
    if step.kind in ("summary", "multi"):
        # A long message with its buttons is just above: say so briefly, do not send it again.
        again = views.keyboard(
            [[views.button(_("🔁 Revoir le message"), step.id, callbacks.RESUME)]]
        )
        await reply(
            message,
            _("Je n'ai pas compris. Touchez un bouton du message au-dessus, s'il vous plaît."),
            reply_markup=again,
        )
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
    conversation = svc.store.conversation(user.id)
    if conversation is None or not svc.dialogs.has_step(conversation.step):
        await reply(message, no_journey_text(svc, user.id))
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
    conversation = svc.store.conversation(user.id)
    if conversation is None or not svc.dialogs.has_step(conversation.step):
        await reply(message, no_journey_text(svc, user.id))
        return
    await reply(
        message,
        _(
            "Je ne peux pas lire ce message. Répondez avec les boutons ou en écrivant, "
            "s'il vous plaît."
        ),
    )
    await send_step(message, svc, conversation)


# --- moving along -----------------------------------------------------------------------


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
        conversation.application_id = draft.id
        answers = dict(draft.answers)
        # Facts for `ask_if` (came through a referrer's link: the follow-up question).
        answers.update(referral.journey_facts(svc, conversation.source))
    if option.consent == "sensitive" and conversation.application_id is not None:
        svc.store.set_sensitive_consent(conversation.application_id, True)
    elif step.id == journey_ids.SENSITIVE_CONSENT and conversation.application_id is not None:
        svc.store.set_sensitive_consent(conversation.application_id, False)
    referral.record_answer(svc, conversation.application_id, step, option)
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
    answers[step.id] = value
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
    chosen: list[str] = list(answers.get(step.id) or [])
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
    # A date tied to a workshop she removed is freed (and asked again): see slot_step.
    freed = slot_step.workshops_changed(svc, conversation.application_id, answers, chosen)
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
            labels = slot_step.summary_labels(svc, answers)
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
    workshops_step = next(s for s in svc.dialogs.steps if s.kind == "multi")
    contact_step = next(s for s in svc.dialogs.steps if s.kind == "contact")
    application, filed_now = svc.store.file_application(
        conversation.application_id,
        fields={
            "answers": kept,
            "criteria": path.criteria,
            "verdict": verdict_of(svc, answers, conversation.source, path),
            "workshops": kept.get(workshops_step.id, []),
            "first_name": kept.get(journey_ids.FIRST_NAME),
            "last_name": kept.get(journey_ids.LAST_NAME),
            "phone": kept.get(contact_step.id),
            "email": kept.get(journey_ids.EMAIL) or None,
        },
        # Committed with the filing, delivered after it (again after a crash if need be).
        owed=outbox.owed_by_filing(svc, conversation.user_id),
    )
    if filed_now:
        await outbox.deliver(context, svc, application.id, filed_query=query)
        return
    # A double tap: the first one filed it; say so again.
    await send_or_edit(query, outbox.filed_text(svc, application), None)
    if isinstance(query.message, Message):
        await reply(query.message, outbox.next_steps_text(svc))


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


# --- showing a step -------------------------------------------------------------------------


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
        referrer_diagnosis=referral.is_referrer_diagnosis(svc, source),
    )


def step_message(
    svc: Services, conversation: Conversation, answers: dict[str, Any]
) -> tuple[str, views.Markup]:
    step = svc.dialogs.step(conversation.step)
    if step.kind == "slot":
        return slot_step.view(svc, step, answers, can_go_back=bool(conversation.history))
    return views.step_view(
        svc.dialogs,
        step,
        answers,
        can_go_back=bool(conversation.history),
        verdict=verdict_of(svc, answers, conversation.source) if step.kind == "verdict" else None,
        labels=slot_step.summary_labels(svc, answers) if step.kind == "summary" else None,
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
    new message after typed text. The phone step needs a new message (a reply keyboard)."""
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
    # Take the old buttons away so that they are not pressed again (best effort).
    if isinstance(query.message, Message) and query.message.reply_markup is not None:
        with contextlib.suppress(BadRequest):
            await query.edit_message_reply_markup(reply_markup=None)


# --- small pieces -----------------------------------------------------------------------


def validate_text(step: Step, text: str) -> str | None:
    if step.validate == "name":
        return clean_name(text)
    if step.validate == "postcode":
        return clean_postcode(text)
    if step.validate == "email":
        return clean_email(text)
    return None


def invalid_text_reason(step: Step) -> str:
    if step.validate == "name":
        return _("Je n'ai pas compris. Écrivez seulement des lettres, par exemple : Awa.")
    if step.validate == "postcode":
        return _("Un code postal a 5 chiffres, par exemple : 93300. Ou touchez un bouton.")
    return _(
        "Cette adresse e-mail ne semble pas juste. Par exemple : nom@exemple.fr. "
        "Ou touchez « Passer »."
    )


def _typed_option(step: Step, text: str) -> Option | None:
    """A button's answer typed by hand: "oui" for "Oui", "je sais pas" for "Je ne sais pas",
    "34 ans" for "26 à 49 ans" (see bot/journey/rules/typed.py). Never an answer that ends the
    journey ("Non merci"): that one is tapped."""
    if step.kind == "slot":
        wanted = text.casefold()
        return next(
            (o for o in step.options if _(o.label).casefold() == wanted and not o.end), None
        )
    if step.kind != "choice":
        return None
    shown = [(o.id, _(o.label)) for o in step.options if not o.end]
    found = match_option(text, shown)
    return step.option(found) if found is not None else None


def typed_quick_answer(step: Step, text: str) -> Option | None:
    """A quick answer of a text step typed by hand ("je sais pas" for the postcode)."""
    found = match_option(text, [(o.id, _(o.label)) for o in step.quick])
    return step.option(found) if found is not None else None


def existing_application_text(svc: Services, application: CandidateApplication) -> str:
    state_text = _(svc.dialogs.states[application.state]).format(
        reference=application.reference or ""
    )
    return "\n".join(
        [
            _("Vous avez déjà une candidature."),
            state_text,
            _("Tapez /aide pour voir ce que vous pouvez faire."),
        ]
    )


def no_journey_text(svc: Services, user_id: int) -> str:
    application = svc.store.active_application(user_id)
    if application is not None and application.state != State.DRAFT:
        return existing_application_text(svc, application)
    return _("Bonjour ! Pour commencer votre candidature, touchez /start.")


# --- typed answers: names and workshops (issue #13) -----------------------------------------


async def on_typed_name(
    message: Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    text: str,
) -> None:
    """A typed first or last name. A sentence is not kept as a name: the bot proposes the
    name it found ("Je m'appelle Karim" → "Votre prénom est bien Karim ?"), or asks again."""
    offers = answers.get(NAME_OFFER)
    offered = offers.get(step.id) if isinstance(offers, dict) else None
    if offered:
        said = match_option(text, [("oui", _("Oui")), ("non", _("Non"))])
        if said is not None:  # "oui" typed instead of tapped
            await settle_name_offer(
                message, svc, conversation, answers, step, offered if said == "oui" else ""
            )
            return
    typed = read_name(
        text,
        first_name=answers.get(journey_ids.FIRST_NAME)
        if step.id == journey_ids.LAST_NAME
        else None,
    )
    if typed.name is not None:
        answers.pop(NAME_OFFER, None)
        await advance(message, svc, conversation, answers, step, typed.name, noted=typed.name)
        return
    if not typed.sentence:
        await reply(message, invalid_text_reason(step))
        return
    found = typed.found
    if (
        found is not None
        and len(callbacks.journey(step.id, "x").encode()) + len((callbacks.NAME + found).encode())
        <= callbacks.MAX_BYTES + 1
    ):
        answers[NAME_OFFER] = {step.id: found}
        svc.store.save_conversation(conversation, answers=answers)
        yes = views.button(_("Oui"), step.id, callbacks.NAME + found)
        no = views.button(_("Non"), step.id, callbacks.NAME)
        await reply(message, name_offer_text(step, found), reply_markup=views.keyboard([[yes, no]]))
        return
    hello = _("Bonjour !") + " " if typed.greeting else ""
    await reply(message, hello + ask_name_again_text(step))


async def on_name_offer(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    action: str,
) -> None:
    """ "Oui" (the name proposed) or "Non" under "Votre prénom est bien Karim ?"."""
    await settle_name_offer(
        query, svc, conversation, answers, step, action.removeprefix(callbacks.NAME)
    )


async def settle_name_offer(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    name: str,
) -> None:
    answers.pop(NAME_OFFER, None)
    kept = read_name(name).name if name else None
    if kept is None:  # "Non" (or data that is no name): the question again
        svc.store.save_conversation(conversation, answers=answers)
        text, markup = step_message(svc, conversation, answers)
        again = _("D'accord.") + " " + ask_name_again_text(step)
        await send_or_edit(source, f"{again}\n\n{text}", markup)
        return
    await advance(source, svc, conversation, answers, step, kept, noted=kept)


def name_offer_text(step: Step, name: str) -> str:
    if step.id == journey_ids.LAST_NAME:
        return _("Votre nom de famille est bien {name} ?").format(name=name)
    return _("Votre prénom est bien {name} ?").format(name=name)


def ask_name_again_text(step: Step) -> str:
    if step.id == journey_ids.LAST_NAME:
        return _("Écrivez seulement votre nom de famille, sans phrase. Par exemple : Diallo.")
    return _("Écrivez seulement votre prénom, sans phrase. Par exemple : Awa.")


async def on_typed_workshops(
    message: Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    text: str,
) -> None:
    """Workshops typed by name ("bois", "Atelier bois, métallerie"): chosen in the order
    typed, after those already chosen (typing never removes one); "valider" goes on."""
    chosen: list[str] = list(answers.get(step.id) or [])
    if match_option(text, [(callbacks.DONE, _("Valider mes choix"))]) is not None:
        if chosen:
            noted = views.workshop_list(svc.dialogs, chosen)
            await advance(message, svc, conversation, answers, step, chosen, noted=noted)
            return
        await reply(message, _("Choisissez au moins un atelier, s'il vous plaît."))
        await send_step(message, svc, conversation, answers=answers)
        return
    named = match_options(text, [(w.id, _(w.label)) for w in svc.dialogs.workshops])
    if not named:
        await reply(message, _("Je n'ai pas compris. Touchez un des boutons, s'il vous plaît."))
        await send_step(message, svc, conversation, answers=answers)
        return
    answers[step.id] = chosen + [w for w in named if w not in chosen]
    svc.store.save_conversation(conversation, answers=answers)
    await send_step(message, svc, conversation, answers=answers)
