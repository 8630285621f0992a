"""Recruitment slots (issue #5): staff's /creneaux (list, who is booked, add, cancel,
attendance), the candidate's /rdv (see, move, cancel) and the buttons of reminders and offers.

Every button of this family is `t:<subject>:<action>`; staff subjects are guarded by
`staff_only`, candidate ones check that the booking is the person's own and still alive.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.access import OWN_PRIVATE, neutral_button_answer, own_private, staff_only
from bot.core import callbacks, mentions, states
from bot.core.i18n import N_, _, format_moment, local
from bot.core.states import State
from bot.core.store import NotFoundError
from bot.journey.store import CandidateApplication
from bot.services import Services, services
from bot.slots import journey_step as slot_step
from bot.slots import offers as slot_offers
from bot.slots import reminders
from bot.slots import rules as rules
from bot.slots import views as slot_views
from bot.slots.store import Booking
from bot.slots.views import (
    ABSENT,
    ADD,
    ASK_CANCEL,
    BOOK,
    CANCEL,
    CANT,
    COME,
    KIND,
    KIND_CODES,
    LIST,
    NONE,
    PLACE,
    PRESENT,
    RDV,
    SHOW,
    STAFF_SUBJECTS,
    button,
)
from bot.staff import notice as staff_notice
from bot.staff import typed_input as staff_input

log = logging.getLogger(__name__)

RECENT = timedelta(days=7)  # past slots staff still see, to mark attendance
MAX_SEATS = 200
MAX_PLACE = 200


# In the staff's command menu (bot.staff.handlers.staff_menu gathers them).
STAFF_COMMANDS = (("creneaux", N_("Créneaux : dates, places, présences")),)


def register(application: Application) -> None:  # type: ignore[type-arg]
    """Add this feature's handlers (called by bot.app before the candidate's catch-alls)."""
    private = OWN_PRIVATE & filters.UpdateType.MESSAGE
    application.add_handler(CommandHandler("creneaux", staff_only(show_slots), filters=private))
    application.add_handler(CommandHandler("rdv", my_booking, filters=private))
    application.add_handler(CallbackQueryHandler(on_button, pattern=rf"^{callbacks.SLOTS}:"))


async def on_start(application: Application) -> None:  # type: ignore[type-arg]
    """At every start: check the slots' dialogs, send what is overdue, rebuild the jobs."""
    slot_views.texts(services(application))  # a broken slots.toml stops the bot here
    await reminders.start(application)


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None:
        return
    data = callbacks.parse(query.data)
    if data is None:
        await query.answer(neutral_button_answer())
        return
    if data.subject in STAFF_SUBJECTS:
        await staff_button(update, context)
        return
    handler = CANDIDATE_BUTTONS.get(data.subject)
    # A candidate's button acts only in the presser's own private chat (never on a group card).
    if handler is None or not own_private(update):
        await query.answer(neutral_button_answer())
        return
    await handler(query, context, data.action)


async def _edit(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """Replace the tapped message; a message that cannot be edited gets a new one instead.
    Returns the message that shows the text now (None when unknown)."""
    shown = query.message if isinstance(query.message, Message) else None
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower() or shown is None:
            return shown
        return await shown.reply_text(text, reply_markup=markup)
    return shown


def _message_text(query: CallbackQuery) -> str:
    return query.message.text or "" if isinstance(query.message, Message) else ""


def _answered(query: CallbackQuery, answer: str) -> str:
    """The tapped message keeps its text, with the answer below it (and no more buttons)."""
    text = _message_text(query)
    return f"{text}\n\n✔️ {answer}" if text else f"✔️ {answer}"


# --- the candidate ----------------------------------------------------------------------


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
    application = svc.store.active_application(user.id)
    if application is None:
        await message.reply_text(
            _("Vous n'avez pas de candidature. Touchez /start pour commencer.")
        )
        return
    if application.state == State.DRAFT:
        await message.reply_text(_(svc.dialogs.states[State.DRAFT]))
        return
    booking = svc.store.active_booking_of(application.id)
    if booking is not None:
        await message.reply_text(
            slot_views.booking_text(svc, booking.slot), reply_markup=slot_views.rdv_markup(svc)
        )
        return
    interview = slot_offers.interview_text(svc, application.id)
    if interview is not None:  # a date the team typed: no seat to move or cancel here
        await message.reply_text(interview)
        return
    offers = slot_offers.open_for(svc, slot_offers.workshops_of(svc, application.id))
    lines = [slot_views.message(svc, "no_booking")]
    if offers:
        lines.append(slot_views.message(svc, "other_date"))
        await message.reply_text(
            "\n".join(lines), reply_markup=slot_views.offer_markup(svc, offers)
        )
        return
    lines.append(slot_views.message(svc, "team_will_call"))
    await message.reply_text("\n".join(lines))


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
    await _edit(query, _answered(query, slot_views.message(svc, "thanks_coming")), None)


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
    await _edit(query, _answered(query, slot_views.message(svc, "not_coming")), None)
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
    await staff_notice.refresh_cards(context, svc, booking.application_id)  # its date line
    await staff_notice.tell_staff(
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
            await _edit(
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
        await _edit(
            query,
            slot_views.message(svc, "full"),
            slot_views.offer_markup(svc, offers, last=last),
        )
        return
    await query.answer()
    await _edit(query, _answered(query, slot_views.slot_button_label(slot)), None)
    booking = svc.store.active_booking_of(application.id)
    if booking is None or application.state == State.DRAFT:
        return
    await slot_step.send_confirmation(context, svc, booking)
    await staff_notice.refresh_cards(context, svc, application.id)
    await staff_notice.tell_staff(
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
    await _edit(
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
        await _edit(
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
            await _edit(
                query,
                _("Il n'y a pas d'autre date pour le moment. Vous gardez votre rendez-vous."),
                None,
            )
            return
        await _edit(
            query,
            slot_views.message(svc, "other_date"),
            slot_views.offer_markup(svc, offers, last=_keep_button(svc)),
        )
        return
    if action == "cancel":
        await query.answer()
        await _edit(
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
        await _edit(
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


# --- staff: /creneaux -------------------------------------------------------------------


def _list_view(svc: Services) -> tuple[str, InlineKeyboardMarkup]:
    now = svc.clock()
    recent = [s for s in svc.store.slots_between(since=now - RECENT, until=now) if not s.cancelled]
    upcoming = svc.store.slots_between(since=now)
    return slot_views.staff_list(svc, upcoming, recent)


async def show_slots(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/creneaux: upcoming slots with seats taken, and the last week's for attendance."""
    message = update.effective_message
    if message is None:
        return
    text, markup = _list_view(services(context))
    await message.reply_text(text, reply_markup=markup)


@staff_only
async def staff_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    data = callbacks.parse(query.data if query else None)
    if query is None or data is None:
        return
    svc = services(context)
    subject, action = data.subject, data.action
    if subject == LIST:
        await query.answer()
        await _edit(query, *_list_view(svc))
        return
    if subject == ADD:
        await query.answer()
        await _ask_start(query, context)
        return
    if subject == KIND:
        await _chose_kind(query, context, action)
        return
    if subject == PLACE:
        await _chose_default_place(query, context)
        return
    if not action.isdigit():
        await query.answer(neutral_button_answer())
        return
    if subject in (PRESENT, ABSENT):
        await _attendance(query, context, int(action), present=subject == PRESENT)
        return
    try:
        slot = svc.store.slot(int(action))
    except NotFoundError:
        await query.answer(neutral_button_answer())
        return
    if subject == SHOW:
        await query.answer()
        await _show_detail(query, svc, slot.id)
        return
    if subject == ASK_CANCEL:
        if slot.cancelled or rules.has_started(slot.start, svc.clock()):
            await query.answer(_("Ce créneau ne peut plus être annulé."))
            return
        await query.answer()
        count = len([b for b in svc.store.bookings_of_slot(slot.id) if b.state != "cancelled"])
        await _edit(
            query,
            _(
                "Annuler le créneau du {moment} ? {count} personne(s) inscrite(s) seront prévenues."
            ).format(moment=format_moment(slot.start), count=count),
            InlineKeyboardMarkup(
                [
                    [button(_("Oui, annuler le créneau"), CANCEL, str(slot.id))],
                    [button(_("Non, le garder"), SHOW, str(slot.id))],
                ]
            ),
        )
        return
    if subject == CANCEL:
        await _cancel_slot(query, context, slot.id)
        return
    await query.answer(neutral_button_answer())


async def _show_detail(query: CallbackQuery, svc: Services, slot_id: int) -> None:
    """A slot and the people booked on it; the message is remembered as showing them, so
    that erasing one of them redacts it."""
    bookings = svc.store.bookings_of_slot(slot_id)
    text, markup = slot_views.staff_detail(svc, svc.store.slot(slot_id), bookings, svc.clock())
    shown = await _edit(query, text, markup)
    if shown is not None:
        svc.store.shown(
            shown.chat_id, shown.message_id, [b.application_id for b in bookings], mentions.LIST
        )


async def _cancel_slot(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, slot_id: int
) -> None:
    svc = services(context)
    slot = svc.store.slot(slot_id)
    if slot.cancelled:  # a double tap
        await query.answer(_("Ce créneau est déjà annulé."))
        await _edit(query, *_list_view(svc))
        return
    if rules.has_started(slot.start, svc.clock()):
        await query.answer(_("Ce créneau ne peut plus être annulé."))
        return
    await query.answer()
    svc.store.cancel_slot(slot_id, actor=f"staff:{query.from_user.id}")
    told = await reminders.send_notices(context.bot, svc)
    text, markup = _list_view(svc)
    await _edit(
        query,
        _("Créneau annulé. {count} personne(s) prévenue(s).").format(count=told) + "\n\n" + text,
        markup,
    )


async def _attendance(
    query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, booking_id: int, *, present: bool
) -> None:
    svc = services(context)
    try:
        booking = svc.store.booking(booking_id)
    except NotFoundError:
        await query.answer(neutral_button_answer())
        return
    if not rules.has_started(booking.slot.start, svc.clock()):
        await query.answer(_("Le créneau n'a pas encore commencé."))
        return
    changed = svc.store.mark_attendance(
        booking_id, present=present, actor=f"staff:{query.from_user.id}"
    )
    await query.answer(
        (_("Noté : présent.") if present else _("Noté : absent."))
        if changed
        else _("C'est déjà noté.")
    )
    if changed and not present:
        await reminders.send_notices(context.bot, svc)
    await _show_detail(query, svc, booking.slot.id)


# --- staff: adding a slot, a short guided dialogue --------------------------------------


def _reply(query: CallbackQuery) -> Message | None:
    return query.message if isinstance(query.message, Message) else None


async def _ask_start(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE) -> None:
    staff_input.expect(context, query.from_user.id, "slot_start", {})
    message = _reply(query)
    if message is not None:
        await message.reply_text(
            _(
                "Nouveau créneau. Date et heure ? Par exemple : 10/03/2031 14:00.\n"
                "Pour arrêter : /annuler"
            )
        )


@staff_input.on_input("slot_start")
async def _typed_start(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    svc = services(context)
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    zone = svc.settings.timezone
    try:
        start = rules.parse_local(message.text[:100], zone, today=local(svc.clock()).date())
    except rules.TimeError:
        await message.reply_text(
            _(
                "Je n'ai pas compris cette date. Par exemple : 10/03/2031 14:00. "
                "Pour arrêter : /annuler"
            )
        )
        return
    if start <= svc.clock():
        await message.reply_text(_("Cette date est passée. Donnez une date à venir."))
        return
    staff_input.expect(context, user.id, "slot_seats", {"start": start.isoformat()})
    await message.reply_text(
        _("Le {moment}. Combien de places ? (un nombre, par exemple 12)").format(
            moment=format_moment(start)
        )
    )


@staff_input.on_input("slot_seats")
async def _typed_seats(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    text = message.text.strip()
    if not (text.isdigit() and len(text) <= 3) or not 1 <= int(text) <= MAX_SEATS:
        await message.reply_text(
            _("Écrivez un nombre de places de 1 à {most}.").format(most=MAX_SEATS)
        )
        return
    staff_input.expect(context, user.id, "slot_kind", {**payload, "seats": int(text)})
    svc = services(context)
    await message.reply_text(
        _("{seats} places. Quel type de rendez-vous ?").format(seats=int(text)),
        reply_markup=InlineKeyboardMarkup(
            [
                [button(slot_views.kind_label(svc, kind), KIND, code)]
                for code, kind in KIND_CODES.items()
            ]
        ),
    )


@staff_input.on_input("slot_kind")
async def _typed_kind(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    if update.effective_message is not None:
        await update.effective_message.reply_text(
            _("Touchez un des boutons ci-dessus. Pour arrêter : /annuler")
        )


def _pending(svc: Services, user_id: int, kind: str) -> dict[str, Any] | None:
    pending = svc.store.staff_input(user_id)
    return pending[1] if pending is not None and pending[0] == kind else None


async def _chose_kind(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE, code: str) -> None:
    svc = services(context)
    payload = _pending(svc, query.from_user.id, "slot_kind")
    kind = KIND_CODES.get(code)
    if payload is None or kind is None:
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    staff_input.expect(context, query.from_user.id, "slot_place", {**payload, "kind": kind})
    await _edit(
        query,
        _(
            "Type : {kind}.\nOù ? Écrivez l'adresse, ou touchez « Adresse habituelle » ({address})."
        ).format(kind=slot_views.kind_label(svc, kind), address=svc.dialogs.structure.address),
        InlineKeyboardMarkup([[button(_("Adresse habituelle"), PLACE, "default")]]),
    )


@staff_input.on_input("slot_place")
async def _typed_place(
    update: Update, context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]
) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    place = " ".join(message.text.split())
    if not place or len(place) > MAX_PLACE:
        await message.reply_text(
            _("Écrivez une adresse de {most} caractères au plus.").format(most=MAX_PLACE)
        )
        return
    text, markup = _create(context, user.id, payload, place)
    await message.reply_text(text, reply_markup=markup)


async def _chose_default_place(query: CallbackQuery, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = services(context)
    payload = _pending(svc, query.from_user.id, "slot_place")
    if payload is None:
        await query.answer(neutral_button_answer())
        return
    await query.answer()
    await _edit(query, *_create(context, query.from_user.id, payload, None))


def _create(
    context: ContextTypes.DEFAULT_TYPE, user_id: int, payload: dict[str, Any], place: str | None
) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    kind = str(payload["kind"])
    slot = svc.store.add_slot(
        start=datetime.fromisoformat(str(payload["start"])),
        seats=int(payload["seats"]),
        duration_minutes=slot_views.texts(svc).kinds[kind].duration,
        kind=kind,
        place=place,
        actor=f"staff:{user_id}",
    )
    staff_input.done(context, user_id)
    return (
        _("✅ Créneau ajouté : {line}\n📍 {place}").format(
            line=slot_views.staff_slot_line(svc, slot), place=slot_views.place_of(svc, slot)
        ),
        InlineKeyboardMarkup([[button(_("◀️ Tous les créneaux"), LIST, "all")]]),
    )
