"""The candidate's owed messages (bot/core/outbox): received and its number, what comes
next, a call-back request's confirmation. The journey's `Feature.owed` sends them."""

from __future__ import annotations

from telegram import CallbackQuery
from telegram.ext import ContextTypes

from bot.core.application_store import CandidateApplication
from bot.core.dialog_views import callback_confirmation
from bot.core.feature import Markup, with_listen
from bot.core.i18n import _, translated
from bot.core.outbox.handlers import CALLBACK, FILED, NEXT_STEPS
from bot.core.outbox.store import Duty
from bot.core.services import Services, in_language_of
from bot.core.telegram_bot import send_or_edit, send_text

# The voice note's key of the "received" message (bot/voice/rules.py FILED).
FILED_KEY = "filed"


def callback_text(svc: Services, request: CandidateApplication) -> str:
    """ "L'équipe va vous appeler": the number and the moment she gave, then who else can
    help (she was told the work is probably not for her)."""
    return callback_confirmation(svc.dialogs, request.phone or "", request.answers)


def filed_text(svc: Services, application: CandidateApplication) -> str:
    """Received, and its number. What to bring comes once, after it (`after_filing`): with
    the rendez-vous she booked, or "quand l'équipe vous appellera" without one."""
    return "\n".join(
        [
            translated(svc.dialogs.messages, "filed"),
            _("Votre numéro de candidature : {reference}").format(reference=application.reference),
        ]
    )


def next_steps_text(svc: Services) -> str:
    return translated(svc.dialogs.messages, "next_steps").format(
        days=svc.dialogs.structure.answer_within_days
    )


async def _confirm(
    context: ContextTypes.DEFAULT_TYPE,
    duty: Duty,
    filed_query: CallbackQuery | None,
    text: str,
    markup: Markup,
) -> None:
    """The tapped "Envoyer" message becomes the confirmation; after a crash, a new message."""
    if filed_query is not None:
        await send_or_edit(filed_query, text, markup)
    else:
        await send_text(context.bot, duty.chat_id, text, reply_markup=markup)


async def send_callback(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    with in_language_of(svc, application.user_id):
        await _confirm(context, duty, filed_query, callback_text(svc, application), None)


async def send_filed(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    with in_language_of(svc, application.user_id):
        listen = with_listen(svc, None, FILED_KEY)
        await _confirm(context, duty, filed_query, filed_text(svc, application), listen)


async def send_next_steps(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    duty: Duty,
    application: CandidateApplication,
    filed_query: CallbackQuery | None,
) -> None:
    with in_language_of(svc, application.user_id):
        await send_text(context.bot, duty.chat_id, next_steps_text(svc))


OWED = {CALLBACK: send_callback, FILED: send_filed, NEXT_STEPS: send_next_steps}
