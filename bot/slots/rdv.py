"""The candidate's side of the slots: /rdv (see, move or cancel the booking, or choose a
date) and the buttons of reminders and offers. Each button checks that the booking is the
person's own and still alive."""

from __future__ import annotations

from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import ContextTypes

from bot.core import states
from bot.core.access import neutral_button_answer, tell_staff
from bot.core.application_store import CandidateApplication
from bot.core.feature import staff_cards
from bot.core.i18n import _, format_moment
from bot.core.services import Services, services
from bot.core.states import State
from bot.core.store import NotFoundError
from bot.core.telegram_bot import edit_or_reply
from bot.slots import journey_step as slot_step
from bot.slots import offers as slot_offers
from bot.slots import rules
from bot.slots import standing as standing_view
from bot.slots import views as slot_views
from bot.slots.store import Booking
from bot.slots.views import BOOK, CANT, COME, NONE, RDV, button


def _message_text(query: CallbackQuery) -> str:
    return query.message.text or "" if isinstance(query.message, Message) else ""


def _answered(query: CallbackQuery, answer: str) -> str:
    """The tapped message keeps its text, with the answer below it (and no more buttons)."""
    text = _message_text(query)
    return f"{text}\n\n✔️ {answer}" if text else f"✔️ {answer}"


# --- /rdv and the buttons of reminders and offers ------------------------------------------


def _filed(svc: Services, user_id: int) -> CandidateApplication | None:
    application = svc.store.active_application(user_id)
    if application is None or application.state not in states.FILED_ALIVE:
        return None
    return application


async def my_booking(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/rdv: the booking with its date and address, to move or cancel it; or dates to choose."""
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    text, markup = standing_view.rdv_reply(svc, user.id)
    await message.reply_text(text, reply_markup=markup)


async def _own_booking(query: CallbackQuery, svc: Services, action: str) -> Booking | None:
    """The booking a reminder button is about, if it is the person's and still alive."""
    try:
        booking = svc.store.booking(int(action)) if action.isdigit() else None
    except NotFoundError:
        booking = None
    if booking is None or booking.user_id != query.from_user.id:
        await query.answer(neutral_button_answer())
        return None
    if booking.state not in ("booked", "confirmed") or booking.slot.cancelled:
        await query.answer(_("Ce rendez-vous n'est plus valable. Touchez /rdv pour voir le vôtre."))
        return None
    if rules.has_started(booking.slot.start, svc.clock()):
        await query.answer(_("Ce rendez-vous est passé."))
        return None
    return booking


async def _coming(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    svc = services(context)
    booking = await _own_booking(query, svc, action)
    if booking is None:
        return
    svc.store.confirm_booking(booking.id)
    await query.answer()
    await edit_or_reply(query, _answered(query, slot_views.message(svc, "thanks_coming")), None)


async def _not_coming(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, action: str
) -> None:
    svc = services(context)
    booking = await _own_booking(query, svc, action)
    if booking is None:
        return
    active = svc.store.active_booking_of(booking.application_id)
    if active is None or active.id != booking.id:
        await query.answer(neutral_button_answer())
        return
    svc.store.cancel_booking(booking.application_id, reason="cant_come")
    await query.answer()
    await edit_or_reply(query, _answered(query, slot_views.message(svc, "not_coming")), None)
    await _offer_another(query, svc, booking, slot_views.message(svc, "cancelled_by_you"))
    await _tell_staff_cancelled(context, svc, booking)


async def _offer_another(
    query: CallbackQuery, svc: Services, booking: Booking, first_line: str
) -> None:
    """A new message: other dates of the same kind, or the team will call."""
    offers = slot_offers.open_for(
        svc,
        slot_offers.workshops_of(svc, booking.application_id),
        kinds=(booking.slot.kind,),
        exclude=(booking.slot.id,),
    )
    if not isinstance(query.message, Message):
        return
    if offers:
        await query.message.reply_text(
            f"{first_line}\n{slot_views.message(svc, 'other_date')}",
            reply_markup=slot_views.offer_markup(svc, offers),
        )
    else:
        await query.message.reply_text(f"{first_line}\n{slot_views.message(svc, 'team_will_call')}")


async def _tell_staff_cancelled(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, booking: Booking
) -> None:
    await staff_cards().refresh_cards(context, svc, booking.application_id)  # its date line
    await tell_staff(
        context,
        svc,
        _("↩️ {reference} ne viendra pas au rendez-vous du {moment}. La place est libérée.").format(
            reference=booking.reference or "?", moment=format_moment(booking.slot.start)
        ),
    )


async def _book(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    """A date tapped in an offer (after /rdv, a cancellation, an absence): book or move.
    A draft may book too (its slot was cancelled); it is confirmed when it is filed."""
    svc = services(context)
    application = svc.store.active_application(query.from_user.id)
    if application is None or application.state not in states.ACTIVE:
        application = None
    if application is None or not action.isdigit():
        await query.answer(neutral_button_answer())
        return
    try:
        slot = svc.store.slot(int(action))
    except NotFoundError:
        await query.answer(neutral_button_answer())
        return
    before = svc.store.active_booking_of(application.id)
    if before is not None and before.slot.id == slot.id:
        await query.answer(_("C'est déjà votre rendez-vous."))
        return
    # Offers are built by the same rule; a forged id for another slot books nothing.
    if not slot_offers.may_take(
        slot,
        now=svc.clock(),
        kinds=slot_offers.kinds_for(svc, application.id),
        workshops=slot_offers.workshops_of(svc, application.id),
    ):
        await query.answer(neutral_button_answer())
        return
    if not svc.store.book_seat(slot.id, application.id, now=svc.clock()):
        await query.answer(slot_views.message(svc, "full"))
        offers = slot_offers.open_for(
            svc,
            slot_offers.workshops_of(svc, application.id),
            kinds=(slot.kind,),
            exclude=(() if before is None else (before.slot.id,)),
        )
        last = None if before is None else _keep_button(svc)
        if not offers:
            await edit_or_reply(
                query,
                _("Désolé, cette date est complète.")
                + "\n"
                + (
                    _("Vous gardez votre rendez-vous.")
                    if before is not None
                    else slot_views.message(svc, "team_will_call")
                ),
                None,
            )
            return
        await edit_or_reply(
            query,
            slot_views.message(svc, "full"),
            slot_views.offer_markup(svc, offers, last=last),
        )
        return
    await query.answer()
    await edit_or_reply(query, _answered(query, slot_views.slot_button_label(slot)), None)
    booking = svc.store.active_booking_of(application.id)
    if booking is None or application.state == State.DRAFT:
        return
    await slot_step.send_confirmation(context, svc, booking)
    await staff_cards().refresh_cards(context, svc, application.id)
    await tell_staff(
        context,
        svc,
        _("📅 {reference} : rendez-vous le {moment}.").format(
            reference=application.reference or "?", moment=format_moment(slot.start)
        ),
    )


def _keep_button(svc: Services) -> Any:
    return button(slot_views.message(svc, "keep_date"), RDV, "keep")


async def _none_fits(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    svc = services(context)
    await query.answer()
    await edit_or_reply(
        query,
        _answered(query, slot_views.message(svc, "none_fits"))
        + "\n"
        + slot_views.message(svc, "team_will_call"),
        None,
    )


async def _rdv(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, action: str) -> None:
    """/rdv's buttons: move (the list of other dates), cancel (a confirmation), keep."""
    svc = services(context)
    application = _filed(svc, query.from_user.id)
    booking = None if application is None else svc.store.active_booking_of(application.id)
    if application is None or booking is None:
        await query.answer(_("Vous n'avez plus de rendez-vous. Touchez /rdv."))
        return
    slot = booking.slot
    if action == "keep":
        await query.answer()
        await edit_or_reply(
            query,
            f"{slot_views.booking_text(svc, slot)}\n\n{slot_views.message(svc, 'kept')}",
            None,
        )
        return
    if rules.has_started(slot.start, svc.clock()):
        await query.answer(_("Ce rendez-vous est passé."))
        return
    if action == "move":
        offers = slot_offers.open_for(
            svc,
            slot_offers.workshops_of(svc, application.id),
            kinds=(slot.kind,),
            exclude=(slot.id,),
        )
        await query.answer()
        if not offers:
            await edit_or_reply(
                query,
                _("Il n'y a pas d'autre date pour le moment. Vous gardez votre rendez-vous."),
                None,
            )
            return
        await edit_or_reply(
            query,
            slot_views.message(svc, "other_date"),
            slot_views.offer_markup(svc, offers, last=_keep_button(svc)),
        )
        return
    if action == "cancel":
        await query.answer()
        await edit_or_reply(
            query,
            slot_views.fill(svc, "cancel_question", slot),
            InlineKeyboardMarkup(
                [
                    [button(slot_views.message(svc, "cancel_yes"), RDV, "yes")],
                    [button(slot_views.message(svc, "cancel_no"), RDV, "keep")],
                ]
            ),
        )
        return
    if action == "yes":
        svc.store.cancel_booking(application.id, reason="candidate")
        await query.answer()
        await edit_or_reply(
            query,
            "\n".join(
                [
                    slot_views.message(svc, "cancelled_by_you"),
                    _("Pour choisir une autre date, touchez /rdv."),
                ]
            ),
            None,
        )
        await _tell_staff_cancelled(context, svc, booking)
        return
    await query.answer(neutral_button_answer())


CANDIDATE_BUTTONS = {BOOK: _book, NONE: _none_fits, COME: _coming, CANT: _not_coming, RDV: _rdv}
