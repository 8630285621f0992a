"""Telling the staff: a short notice when an application is filed or withdrawn.

Sent to `TREMPLIN_STAFF_CHAT_ID` when set, otherwise to each staff member privately. A
failure to reach staff never breaks the candidate's journey: the application is on disk.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.context import Services
from bot.i18n import N_, _, format_moment
from bot.store import Application
from bot.views import workshop_list

log = logging.getLogger(__name__)

VERDICT_LABELS = {
    "probable": N_("éligible probable"),
    "a_confirmer": N_("à confirmer"),
    "pas_pour_vous": N_("sans doute pas éligible"),
}


def staff_chats(svc: Services) -> list[int]:
    if svc.settings.staff_chat_id is not None:
        return [svc.settings.staff_chat_id]
    return sorted(svc.settings.staff_ids)


async def tell_staff(context: ContextTypes.DEFAULT_TYPE, svc: Services, text: str) -> None:
    for chat_id in staff_chats(svc):
        try:
            await context.bot.send_message(chat_id, text)
        except TelegramError as error:
            log.warning("could not reach staff chat: %s", type(error).__name__)


async def new_application(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: Application
) -> None:
    filed = (
        svc.clock()
        if application.filed_at is None
        else datetime.fromisoformat(application.filed_at)
    )
    lines = [
        _("📥 Nouvelle candidature {reference}").format(reference=application.reference),
        _("Reçue le {moment}").format(moment=format_moment(filed)),
        _("Résultat du questionnaire : {verdict}").format(
            verdict=_(VERDICT_LABELS.get(application.verdict or "", application.verdict or ""))
        ),
        _("Ateliers : {workshops}").format(
            workshops=workshop_list(svc.dialogs, application.workshops)
        ),
    ]
    await tell_staff(context, svc, "\n".join(lines))


async def withdrawn(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: Application
) -> None:
    await tell_staff(
        context,
        svc,
        _("↩️ La candidature {reference} a été retirée par la personne.").format(
            reference=application.reference
        ),
    )
