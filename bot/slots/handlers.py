"""Recruitment slots (issue #5): staff's /creneaux (list, who is booked, add, cancel,
attendance), the candidate's /rdv (see, move, cancel) and the buttons of reminders and offers.

Every button of this family is `t:<subject>:<action>`; staff subjects are guarded by
`staff_only`, candidate ones (in `bot.slots.rdv`) check that the booking is the person's own
and still alive. Adding a slot is the form of `bot.slots.forms`.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from telegram import CallbackQuery, InlineKeyboardMarkup, Message, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes, filters

from bot.core import callbacks, mentions, typed_input
from bot.core.access import OWN_PRIVATE, neutral_button_answer, own_private, staff_only
from bot.core.i18n import N_, _, format_moment
from bot.core.services import Services, services
from bot.core.store import NotFoundError
from bot.slots import reminders
from bot.slots import rules as rules
from bot.slots import views as slot_views
from bot.slots.forms import NEW_SLOT
from bot.slots.rdv import CANDIDATE_BUTTONS, my_booking
from bot.slots.views import (
    ABSENT,
    ADD,
    ASK_CANCEL,
    CANCEL,
    KIND,
    LIST,
    PLACE,
    PRESENT,
    SHOW,
    STAFF_SUBJECTS,
    button,
)

log = logging.getLogger(__name__)

RECENT = timedelta(days=7)  # past slots staff still see, to mark attendance


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
        await typed_input.edit(query, *_list_view(svc))
        return
    if subject == ADD:
        await query.answer()
        shown = query.message if isinstance(query.message, Message) else None
        await typed_input.start(context, shown, query.from_user, NEW_SLOT)
        return
    if subject in (KIND, PLACE):
        await typed_input.tap(update, context, NEW_SLOT, subject, action)
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
        await typed_input.edit(
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
    shown = await typed_input.edit(query, text, markup)
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
        await typed_input.edit(query, *_list_view(svc))
        return
    if rules.has_started(slot.start, svc.clock()):
        await query.answer(_("Ce créneau ne peut plus être annulé."))
        return
    await query.answer()
    svc.store.cancel_slot(slot_id, actor=f"staff:{query.from_user.id}")
    told = await reminders.send_notices(context.bot, svc)
    text, markup = _list_view(svc)
    await typed_input.edit(
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
