"""Telling the staff: the card of a new application (with its decision buttons), cards kept up
to date after every change, and short notices (a withdrawal).

Sent to `TREMPLIN_STAFF_CHAT_ID` when set, otherwise to each staff member privately. A
failure to reach staff never breaks the candidate's journey: the application is on disk.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping

from telegram import InlineKeyboardMarkup, Message
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.core.access import staff_chats, tell_staff
from bot.core.application_store import CandidateApplication
from bot.core.feature import card_lines, referrals, sessions
from bot.core.i18n import FRENCH, _, in_french
from bot.core.services import Services
from bot.core.store import NotFoundError
from bot.staff import callback_views, digest_rules, digest_views
from bot.staff import views as staff_views
from bot.staff.dialogs import StaffDialogs, staff_dialogs_in
from bot.staff.store import Review

log = logging.getLogger(__name__)


def staff_texts(svc: Services) -> StaffDialogs:
    """dialogs/staff.toml: card lines, refusal reasons, messages to candidates."""
    return staff_dialogs_in(svc.settings.dialogs_dir)


def referrer_of(svc: Services, application: CandidateApplication) -> str | None:
    """The referrer's name for staff, falling back to the raw code."""
    if not application.source:
        return None
    return referrals().referrer_name(svc, application.source) or application.source


def card(
    svc: Services, application: CandidateApplication
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The card's text and buttons, from what is on disk now."""
    review = svc.store.review(application.id)
    if callback_views.is_callback(application):  # "📞 Demande de rappel": not an application
        language = svc.store.language_of(application.user_id) or FRENCH
        text = callback_views.callback_card_text(svc.dialogs, application, review, language)
        return text, callback_views.callback_keyboard(application, review)
    data = staff_views.CardData(
        application=application,
        review=review,
        notes=svc.store.notes(application.id),
        referrer=referrer_of(svc, application),
        rendez_vous=sessions().card_line(svc, application.id, review.interview_at),
        language=svc.store.language_of(application.user_id) or FRENCH,
        proofs=svc.store.proofs_seen(application.id),
        diagnosis=referrals().is_referrer_diagnosis(svc, application.source),
        extra=tuple(card_lines(svc, application)),
    )
    text = staff_views.card_text(svc.dialogs, staff_texts(svc), data)
    markup = card_markup(svc, application, review, data.proofs)
    return digest_views.with_ask(text, markup, application, review, ask_days(svc, application))


def proofs_to_see(
    svc: Services, application: CandidateApplication, seen: Mapping[str, object]
) -> list[tuple[str, str]]:
    """(criterion, short name) of each criterion declared whose proof is not seen yet."""
    criteria = svc.dialogs.criteria
    return [(c, criteria[c].short) for c in application.criteria if c in criteria and c not in seen]


def card_markup(
    svc: Services,
    application: CandidateApplication,
    review: Review,
    seen: Mapping[str, object] | None = None,
) -> InlineKeyboardMarkup:
    if seen is None:
        seen = svc.store.proofs_seen(application.id)
    return staff_views.card_keyboard(application, review, proofs_to_see(svc, application, seen))


def ask_days(svc: Services, application: CandidateApplication) -> int | None:
    """The card's 60-day ask (decide, or keep it waiting), if it has one now (issue #16)."""
    if application.state not in digest_rules.UNDECIDED:
        return None
    return digest_rules.ask_days(application, svc.clock(), svc.store.last_kept(application.id))


@in_french
async def send_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    application: CandidateApplication,
) -> Message | None:
    """Post a card in one chat and remember it, so that later changes edit it in place."""
    text, markup = card(svc, application)
    try:
        message = await context.bot.send_message(chat_id, text, reply_markup=markup)
    except TelegramError as error:
        log.warning("card not delivered to a staff chat: %s", type(error).__name__)
        return None
    svc.store.remember_card(application.id, chat_id, message.message_id)
    return message


@in_french
async def new_application(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: CandidateApplication
) -> None:
    """A filed application: its card, with the decision buttons, to each staff chat."""
    for chat_id in staff_chats(svc):
        await send_card(context, svc, chat_id, application)


@in_french
async def refresh_cards(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application_id: int
) -> None:
    """Edit every card of the application to show its state now (best effort)."""
    try:
        application = svc.store.application(application_id)
    except NotFoundError:
        return
    text, markup = card(svc, application)
    for chat_id, message_id in svc.store.cards(application_id):
        await edit_card(context, svc, chat_id, message_id, text, markup)


@in_french
async def edit_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    message_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None,
) -> None:
    try:
        await context.bot.edit_message_text(
            text, chat_id=chat_id, message_id=message_id, reply_markup=markup
        )
    except BadRequest as error:
        description = str(error).lower()
        if "not modified" in description:
            return
        if "not found" in description or "can't be edited" in description:
            svc.store.forget_card(chat_id, message_id)
            return
        log.warning("card not edited: %s", type(error).__name__)
    except TelegramError as error:
        log.warning("card not edited: %s", type(error).__name__)


@in_french
async def withdrawn(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: CandidateApplication
) -> None:
    """The candidate withdrew: the cards show it, and staff get a short notice."""
    await refresh_cards(context, svc, application.id)
    await tell_staff(
        context,
        svc,
        _("↩️ La candidature {reference} a été retirée par la personne.").format(
            reference=application.reference
        ),
    )
