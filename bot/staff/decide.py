"""Recording a staff decision (a compare-and-set), and telling whoever lost the race who
decided first."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from telegram import CallbackQuery, Message, User
from telegram.ext import ContextTypes

from bot.core.application_store import CandidateApplication
from bot.core.i18n import _, format_moment
from bot.core.outbox import handlers as outbox
from bot.core.services import Services
from bot.core.states import State
from bot.staff import notice as staff_notice
from bot.staff import rules as lifecycle
from bot.staff import views as staff_views


def stale_text(application: CandidateApplication, svc: Services) -> str:
    """Why a button no longer applies: who decided, and when."""
    review = svc.store.review(application.id)
    if application.state == State.CANCELLED:
        return _("La personne a retiré sa candidature.")
    if review.decided_at:
        return _("Déjà décidé par {name} le {moment} : {state}.").format(
            name=review.decided_by_name or _("l'équipe"),
            moment=format_moment_iso(review.decided_at),
            state=staff_views.state_label(application.state),
        )
    return _("Cette fiche a changé. La voici à jour.")


def format_moment_iso(stamp: str) -> str:
    return format_moment(datetime.fromisoformat(stamp))


async def answer_stale(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery | None,
    message: Message,
    application_id: int,
) -> None:
    application = svc.store.application(application_id)
    text = stale_text(application, svc)
    if query is not None:
        await query.answer(text[:200], show_alert=True)
    else:
        await message.reply_text(text)
    await staff_notice.refresh_cards(context, svc, application_id)


async def decide(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery | None,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    action: str,
    **fields: Any,
) -> bool:
    """Record one decision (compare-and-set); tell the loser who decided."""
    new = lifecycle.target(action)
    decided = (
        new is not None
        and lifecycle.allowed(application.state, action)
        and svc.store.decide(
            application.id,
            expected=application.state,
            version=version,
            new=new,
            staff_id=user.id,
            staff_name=user.first_name,
            warn_chat=message.chat_id,
            **fields,
        )
    )
    if not decided:
        await answer_stale(context, svc, query, message, application.id)
        return False
    if query is not None:
        await query.answer(_("C'est noté."))
    await deliver_decision(context, svc, application.id)
    return True


async def deliver_decision(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application_id: int
) -> None:
    """What the decision owes (committed with it), now: see bot/core/outbox/handlers.py."""
    await outbox.deliver(context, svc, application_id)
