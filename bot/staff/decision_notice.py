"""What a staff decision owes once it is committed (delivered by the outbox): the cards
refreshed, the candidate told (and of a seat the decision freed), staff warned privately when
she cannot be reached, the referrer's follow-up."""

from __future__ import annotations

import logging

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import mentions
from bot.core.feature import referrals, sessions
from bot.core.i18n import _
from bot.core.rules.contact import display_phone
from bot.core.services import Services, in_language_of
from bot.staff import decision_views
from bot.staff import notice as staff_notice

log = logging.getLogger(__name__)


async def after_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, chat_id: int, application_id: int
) -> None:
    """Cards updated, the candidate told (once), the referrer's hook called."""
    application = svc.store.application(application_id)
    review = svc.store.review(application_id)
    await staff_notice.refresh_cards(context, svc, application_id)
    with in_language_of(svc, application.user_id):
        texts = decision_views.decision_messages(
            svc.dialogs, staff_notice.staff_texts(svc), application, review
        )
        # Seats this decision freed, or the one it left her: said in its message.
        lines = sessions().decision_lines(svc, application) if texts else []
        texts = decision_views.with_session(texts, lines)
    delivered = True
    for text in texts:
        try:
            await context.bot.send_message(application.user_id, text)
        except TelegramError as error:
            # Forbidden: the person blocked the bot. The decision stays recorded.
            log.info("decision not delivered to the candidate: %s", type(error).__name__)
            delivered = False
            break
    if not delivered:
        try:
            warning = await context.bot.send_message(
                chat_id,
                _(
                    "⚠️ {reference} : la personne n'a pas reçu le message (elle a peut-être "
                    "bloqué le robot). La décision est enregistrée. Prévenez-la par "
                    "téléphone : {phone}."
                ).format(
                    reference=application.reference,
                    phone=display_phone(application.phone) if application.phone else "—",
                ),
            )
            svc.store.shown(warning.chat_id, warning.message_id, [application.id], mentions.LIST)
        except TelegramError as error:
            log.warning("staff not told of an undelivered decision: %s", type(error).__name__)
    try:
        await referrals().notify_decision(context, svc, application)
    except TelegramError as error:
        log.warning("referrer not told: %s", type(error).__name__)
