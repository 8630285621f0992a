"""Staff cards and decisions: show a card, decide in two taps (a compare-and-set); a note,
a refusal note or an interview date is asked by the forms of `bot.staff.forms`."""

from __future__ import annotations

import logging
from typing import Any

from telegram import CallbackQuery, Message, User
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.core import typed_input
from bot.core.access import neutral_button_answer
from bot.core.application_store import CandidateApplication
from bot.core.i18n import _
from bot.core.rules import proofs
from bot.core.services import Services
from bot.core.store import NotFoundError, iso
from bot.staff import callback_views, digest_views
from bot.staff import digest as staff_digest
from bot.staff import forms as card_forms
from bot.staff import notice as staff_notice
from bot.staff import rules as lifecycle
from bot.staff import views as staff_views
from bot.staff.decide import answer_stale, decide, deliver_decision
from bot.staff.store import SlotTaken

log = logging.getLogger(__name__)

SLOTS_SHOWN = 8
INTERVIEW_KIND = "entretien"  # the slots "Convoquer à un entretien" offers


# --- the card and its decisions ---------------------------------------------------------------


async def show_card(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    application: CandidateApplication,
    user: User,
) -> None:
    """Open a card in this chat; a new application becomes "à l'étude par <name>".

    The card comes where the staff member looks (at the bottom of the chat), once: a copy
    posted before in this chat (when the application came in, or opened earlier) goes away,
    so that the chat never shows the same card twice (#21.12)."""
    claimed = lifecycle.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    )
    if claimed:
        application = svc.store.application(application.id)
    earlier = [m for c, m in svc.store.cards(application.id) if c == chat_id]
    posted = await staff_notice.send_card(context, svc, chat_id, application)
    if posted is not None:
        for message_id in earlier:
            await _take_away_copy(context, svc, chat_id, message_id, application)
    if claimed:
        await staff_notice.refresh_cards(context, svc, application.id)


async def _take_away_copy(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    chat_id: int,
    message_id: int,
    application: CandidateApplication,
) -> None:
    """Delete an older copy of a card; where Telegram refuses (too old), leave a line that
    points down, without the person's name and without buttons."""
    svc.store.forget_card(chat_id, message_id)
    try:
        await context.bot.delete_message(chat_id, message_id)
        return
    except TelegramError as error:
        log.info("older card not deleted: %s", type(error).__name__)
    try:
        await context.bot.edit_message_text(
            _("📋 {reference} : la fiche est plus bas.").format(
                reference=application.reference or "—"
            ),
            chat_id=chat_id,
            message_id=message_id,
            reply_markup=None,
        )
    except TelegramError as error:
        log.info("older card not edited: %s", type(error).__name__)


async def edit_markup(message: Message, markup: Any) -> None:
    try:
        await message.edit_reply_markup(reply_markup=markup)
    except TelegramError as error:
        log.info("card keyboard not changed: %s", type(error).__name__)


async def on_card_button(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    action: str,
) -> None:
    base, _dot, detail = action.partition(".")
    if base.startswith(staff_views.PROOF):
        await proof_seen(context, svc, query, message, user, application, version, base, detail)
    if base == digest_views.KEEP:  # the 60-day ask's "⏸ Garder en attente" (issue #16)
        await staff_digest.keep_waiting(context, svc, query, message, user, application, version)
        return
    if base not in (*lifecycle.TARGET, lifecycle.NOTE, "card"):
        await query.answer(neutral_button_answer())
        return
    svc.store.remember_card(application.id, message.chat_id, message.message_id)
    review = svc.store.review(application.id)
    if base == "card" and version == review.version:
        await query.answer()
        await staff_notice.refresh_cards(context, svc, application.id)
        await edit_markup(message, staff_notice.card(svc, application)[1])
        return
    if version != review.version or not lifecycle.allowed(application.state, base):
        await answer_stale(context, svc, query, message, application.id)
        return
    # Touching a new application's card opens it: "à l'étude par <name>".
    if lifecycle.claimable(application.state) and svc.store.claim(
        application.id, staff_id=user.id, staff_name=user.first_name
    ):
        application = svc.store.application(application.id)
        await staff_notice.refresh_cards(context, svc, application.id)
    staff = staff_notice.staff_texts(svc)
    if base == lifecycle.NOTE:
        await query.answer()
        await _ask(context, message, user, card_forms.NOTE, application, version)
        return
    if base == lifecycle.ACCEPT or base == lifecycle.WAIT:
        if detail != "y":
            blocking = (
                staff_views.blocking(svc.dialogs, application) if base == lifecycle.ACCEPT else []
            )
            # Proofs not seen yet are named too; only answers that block hiring make it
            # "accepter quand même".
            missing = unverified(svc, application) if base == lifecycle.ACCEPT else []
            if blocking or missing:
                await query.answer(
                    _("Attention : {why}. Vérifiez avant d'accepter.").format(
                        why=" ; ".join([*(line.lstrip("⛔ ") for line in blocking), *missing])
                    ),
                    show_alert=True,
                )
            else:
                await query.answer()
            markup = staff_views.confirm_keyboard(application, review, base, despite=bool(blocking))
            await edit_markup(message, markup)
            return
        await decide(context, svc, query, message, user, application, version, base)
        return
    if base == lifecycle.REFUSE:
        if not detail:
            await query.answer()
            await edit_markup(message, staff_views.reasons_keyboard(staff, application, review))
            return
        reason = staff.reason(detail)
        if reason is None:
            await query.answer(neutral_button_answer())
            return
        if reason.note:
            await query.answer()
            await _ask(
                context, message, user, card_forms.REFUSAL, application, version, reason=reason.id
            )
            return
        await decide(
            context, svc, query, message, user, application, version, base, reason=reason.id
        )
        return
    if base == lifecycle.CONVENE:
        await _convene(context, svc, query, message, user, application, version, detail)
        return
    await query.answer(neutral_button_answer())


async def on_callback_button(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    request: CandidateApplication,
    version: int,
    action: str,
) -> None:
    """A call-back request's card: "✅ Appel fait" (one tap: nobody is told anything)."""
    if action != callback_views.CALLED:
        await query.answer(neutral_button_answer())
        return
    svc.store.remember_card(request.id, message.chat_id, message.message_id)
    done = svc.store.mark_called(
        request.id, version=version, staff_id=user.id, staff_name=user.first_name
    )
    await query.answer(_("C'est noté.") if done else _("C'était déjà noté."))
    await staff_notice.refresh_cards(context, svc, request.id)


async def _convene(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    detail: str,
) -> None:
    review = svc.store.review(application.id)
    if not detail:
        await query.answer()
        await edit_markup(message, staff_views.slots_keyboard(application, review, open_slots(svc)))
        return
    if detail == "date":
        await query.answer()
        await _ask(context, message, user, card_forms.INTERVIEW_DATE, application, version)
        return
    if not detail.isdigit() or not hasattr(svc.store, "slot"):
        await query.answer(neutral_button_answer())
        return
    try:
        slot = svc.store.slot(int(detail))
    except NotFoundError:
        await query.answer(_("Ce créneau n'existe plus."), show_alert=True)
        return
    if slot.kind != INTERVIEW_KIND:  # only interviews are offered: a forged button
        await query.answer(neutral_button_answer())
        return
    try:
        decided = svc.store.convene_in_slot(
            application.id,
            expected=application.state,
            version=version,
            slot_id=slot.id,
            staff_id=user.id,
            staff_name=user.first_name,
            interview_at=iso(slot.start),
            interview_place=slot.place or staff_views.default_place(svc.dialogs),
            interview_kind=slot.kind,
            warn_chat=message.chat_id,
        )
    except SlotTaken:
        await query.answer(
            _("Ce créneau n'est plus possible (complet, annulé ou passé). Choisissez-en un autre."),
            show_alert=True,
        )
        await edit_markup(message, staff_views.slots_keyboard(application, review, open_slots(svc)))
        return
    if not decided:
        await answer_stale(context, svc, query, message, application.id)
        return
    await query.answer(_("C'est noté."))
    await deliver_decision(context, svc, application.id)


def open_slots(svc: Services) -> list[staff_views.SlotChoice]:
    """Open interview slots, soonest first (none without the slots feature). Information
    sessions are the candidates' own choice, in the journey and with /rdv."""
    finder = getattr(svc.store, "open_slots", None)
    if finder is None:
        return []
    found = finder(now=svc.clock(), kind=INTERVIEW_KIND, limit=SLOTS_SHOWN)
    return [
        staff_views.SlotChoice(id=slot.id, start=slot.start, kind=slot.kind, left=slot.left)
        for slot in found
    ]


async def _ask(
    context: ContextTypes.DEFAULT_TYPE,
    message: Message,
    user: User,
    form: typed_input.Form,
    application: CandidateApplication,
    version: int,
    **extra: Any,
) -> None:
    """A card's form (a note, a refusal note, a date), asked under the card."""
    about = {"application_id": application.id, "version": version, **extra}
    await typed_input.start(
        context, message, user, form, {**about, "reference": application.reference}
    )


def unverified(svc: Services, application: CandidateApplication) -> list[str]:
    """Before "Accepter": what is missing for the proofs to make her eligible (issue #16)."""
    seen = svc.store.proofs_seen(application.id)
    if proofs.verified(svc.dialogs, seen):
        return []
    missing = proofs.missing(svc.dialogs, application.criteria, seen)
    if not missing:
        return [_("éligibilité pas vérifiée : aucun justificatif vu")]
    return [_("justificatifs pas encore vus : {names}").format(names=", ".join(missing))]


async def proof_seen(
    context: ContextTypes.DEFAULT_TYPE,
    svc: Services,
    query: CallbackQuery,
    message: Message,
    user: User,
    application: CandidateApplication,
    version: int,
    base: str,
    detail: str,
) -> None:
    """ "📄 Justificatif vu": two taps, like a decision; recorded with who and when (and in
    the audit); the card is edited in place."""
    criterion = base.removeprefix(staff_views.PROOF)
    known = svc.dialogs.criteria.get(criterion)
    review = svc.store.review(application.id)
    if known is None or criterion not in application.criteria or detail not in ("", "y"):
        await query.answer(neutral_button_answer())
        return
    if version != review.version or not lifecycle.is_open(application.state):
        await answer_stale(context, svc, query, message, application.id)
        return
    svc.store.remember_card(application.id, message.chat_id, message.message_id)
    if not detail:
        await query.answer()
        markup = staff_views.proof_confirm_keyboard(application, review, criterion, known.short)
        await edit_markup(message, markup)
        return
    svc.store.remember_staff(user.id, user.first_name)
    recorded = svc.store.mark_proof_seen(
        application.id, criterion, staff_id=user.id, staff_name=user.first_name
    )
    await query.answer(_("C'est noté.") if recorded else _("C'était déjà noté."))
    await staff_notice.refresh_cards(context, svc, application.id)
