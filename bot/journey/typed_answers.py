"""Answers typed by hand: text steps checked, a button's answer typed ("oui"), names in a
sentence ("Je m'appelle Karim"), workshops typed by name."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, Message

from bot.core import callbacks
from bot.core import dialog_views as views
from bot.core.application_store import Conversation
from bot.core.dialog_types import Option, Step
from bot.core.feature import sessions
from bot.core.i18n import _
from bot.core.rules import ids as journey_ids
from bot.core.rules.contact import (
    NAME_OFFER,
    clean_email,
    clean_name,
    clean_postcode,
    read_name,
)
from bot.core.rules.latin import clean_latin_name
from bot.core.rules.typed import match_option, match_options
from bot.core.services import Services
from bot.core.telegram_bot import reply, send_or_edit
from bot.journey.moves import advance
from bot.journey.screen import send_step, step_message


def validate_text(step: Step, text: str) -> str | None:
    if step.validate == "name":
        return clean_name(text)
    if step.validate == "postcode":
        return clean_postcode(text)
    if step.validate == "email":
        return clean_email(text)
    if step.validate == "latin":
        if match_option(text, [(callbacks.SKIP, _("Passer"))]) is not None:
            return None  # "passer" typed is not a name: the button is just below
        return clean_latin_name(text)
    return None


def invalid_text_reason(step: Step) -> str:
    if step.validate == "name":
        return _("Je n'ai pas compris. Écrivez seulement des lettres, par exemple : Awa.")
    if step.validate == "postcode":
        return _("Un code postal a 5 chiffres, par exemple : {postcode}. Ou touchez un bouton.")
    if step.validate == "latin":
        return views.latin_prompt()
    return _(
        "Cette adresse e-mail ne semble pas juste. Par exemple : nom@exemple.fr. "
        "Ou touchez « Passer »."
    )


def typed_option(step: Step, text: str) -> Option | None:
    """A button's answer typed by hand: "oui" for "Oui", "je sais pas" for "Je ne sais pas",
    "34 ans" for "26 à 49 ans" (see bot/core/rules/typed.py). Never an answer that ends the
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
    if step.id == journey_ids.CALLBACK_NAME:
        return _("Votre nom est bien {name} ?").format(name=name)
    if step.id == journey_ids.LAST_NAME:
        return _("Votre nom de famille est bien {name} ?").format(name=name)
    return _("Votre prénom est bien {name} ?").format(name=name)


def ask_name_again_text(step: Step) -> str:
    if step.id == journey_ids.CALLBACK_NAME:
        return _("Écrivez seulement votre nom, sans phrase. Par exemple : Awa Diallo.")
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
    typed, after those already chosen (typing never removes one); "valider" goes on; "je sais
    pas" is "Je ne sais pas" (the team will advise). Anything else gets a short answer: the
    long message with its buttons is just above."""
    chosen = views.chosen_workshops(answers.get(step.id))
    answer = match_option(text, [(o.id, _(o.label)) for o in step.options])
    option = step.option(answer) if answer is not None else None
    if option is not None:
        await choose_no_workshop(message, svc, conversation, answers, step, option)
        return
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
        await ask_to_tap_above(message, step)
        return
    answers[step.id] = chosen + [w for w in named if w not in chosen]
    svc.store.save_conversation(conversation, answers=answers)
    await send_step(message, svc, conversation, answers=answers)


async def choose_no_workshop(
    source: CallbackQuery | Message,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    option: Option,
) -> None:
    """ "Je ne sais pas" at the workshops: the answer is the option's id, no workshop is
    chosen (a date tied to a workshop is freed), the team will advise."""
    freed = sessions().workshops_changed(svc, conversation.application_id, answers, [])
    noted = _(option.label) + (f"\n\n{freed}" if freed else "")
    await advance(source, svc, conversation, answers, step, option.id, noted=noted)


async def ask_to_tap_above(message: Message, step: Step) -> None:
    """Text that means no button, under a long message (the summary, the workshops): say so
    briefly, with a button to see the message again, rather than send it all again."""
    again = views.keyboard([[views.button(_("🔁 Revoir le message"), step.id, callbacks.RESUME)]])
    await reply(
        message,
        _("Je n'ai pas compris. Touchez un bouton du message au-dessus, s'il vous plaît."),
        reply_markup=again,
    )
