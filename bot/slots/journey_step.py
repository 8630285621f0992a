"""The journey's "rendez-vous" step (kind `slot`): choose a recruitment slot.

`candidate.py` delegates to these three functions:
- `view` builds the step's text and buttons: the next open slots, then "Aucune date ne me
  va"; with no open slot, the step's own text ("L'équipe va vous appeler…") and "D'accord";
- `on_button` handles a tap on the step and returns the answer to record (then the journey
  moves on) or None (the step stays, e.g. the slot filled up meanwhile);
- `after_filing` runs once the application is filed: confirmation, calendar file, map pin,
  reminders.

The seat is taken when the candidate taps the date, on the draft application: the date they
see is the date they get. Going back and choosing again moves it; "Aucune date" frees it;
restarting or erasing deletes the draft and its booking with it (ON DELETE CASCADE). A draft
idle for 24 hours lets the seat go (bot.slots.reminders); `after_filing` takes it again if free.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from telegram import CallbackQuery, InlineKeyboardButton, InputFile, ReplyKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import ContextTypes

from bot.core import callbacks
from bot.core import dialog_views as views
from bot.core.application_store import CandidateApplication, Conversation
from bot.core.dialog_types import Step
from bot.core.i18n import _, format_moment
from bot.core.rules import ids as journey_ids
from bot.core.services import Services, in_language_of
from bot.core.store import NotFoundError
from bot.core.telegram_bot import send_text
from bot.slots import offers as slot_offers
from bot.slots import reminders
from bot.slots import rules as rules
from bot.slots import views as slot_views
from bot.slots.calendar_file import FILENAME, CalendarEntry, ics_bytes
from bot.slots.store import Booking, Slot

log = logging.getLogger(__name__)

SLOT_ANSWER = "creneau_"  # the recorded answer is "creneau_<slot id>"
NONE_FITS = journey_ids.NONE_FITS  # the option "Aucune de ces dates"


def _slot_id(answer: Any) -> int | None:
    if isinstance(answer, str) and answer.startswith(SLOT_ANSWER):
        tail = answer.removeprefix(SLOT_ANSWER)
        return int(tail) if tail.isdigit() else None
    return None


def _offered(svc: Services, answers: Mapping[str, Any], step: Step) -> list[Slot]:
    """The open slots, plus the one the person already holds (it may be full by now)."""
    held = _slot_id(answers.get(step.id))
    count = slot_views.texts(svc).offer_count
    slots = slot_offers.open_for(svc, slot_offers.chosen_workshops(svc, answers))
    if held is not None and all(s.id != held for s in slots):
        with contextlib.suppress(NotFoundError):
            slot = svc.store.slot(held)
            if not slot.cancelled and slot.start > svc.clock():
                slots = sorted([*slots[: count - 1], slot], key=lambda s: s.start)
    return slots


def _button(label: str, step: Step, action: str) -> InlineKeyboardButton:
    return views.button(label, step.id, action)


def view(
    svc: Services, step: Step, answers: Mapping[str, Any], *, can_go_back: bool
) -> tuple[str, views.Markup]:
    slots = _offered(svc, answers, step)
    if not slots:
        return views.step_view(
            svc.dialogs,
            _without(step, NONE_FITS),
            answers,
            can_go_back=can_go_back,
        )
    held = _slot_id(answers.get(step.id))
    text = "\n".join(
        [views.progress_line(svc.dialogs, step.id), "", slot_views.message(svc, "choose")]
    )
    rows = [
        [
            _button(
                ("✓ " if slot.id == held else "") + slot_views.slot_button_label(slot),
                step,
                f"{SLOT_ANSWER}{slot.id}",
            )
        ]
        for slot in slots
    ]
    none_fits = step.option(NONE_FITS)
    label = _(none_fits.label) if none_fits else slot_views.message(svc, "none_fits")
    mark = "✓ " if answers.get(step.id) == NONE_FITS else ""
    rows.append([_button(mark + label, step, NONE_FITS)])
    if can_go_back:
        rows.append([_button(views.back_label(), step, callbacks.BACK)])
    return text, views.keyboard(rows)


def _without(step: Step, option_id: str) -> Step:
    """The step as shown when no slot is open: only "D'accord"."""
    kept = tuple(o for o in step.options if o.id != option_id)
    return replace(step, options=kept or step.options)


async def on_button(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
    action: str,
) -> tuple[Any, str] | None:
    """(answer, what to show as noted) to move on, or None to stay on the step."""
    application_id = conversation.application_id
    slot_id = _slot_id(action)
    if slot_id is None:
        option = step.option(action)
        if option is None:
            await query.answer(views.unknown_button())
            return None
        await query.answer()
        if application_id is not None:
            svc.store.cancel_booking(application_id, reason="none_fits")
        return option.id, _(option.label)
    try:
        slot = svc.store.slot(slot_id)
    except NotFoundError:
        await query.answer(views.unknown_button())
        return None
    if application_id is None:  # cannot happen after consent; never book without one
        await query.answer(views.unknown_button())
        return None
    # The step offers only these slots: a forged id for another one books nothing.
    if not slot_offers.may_take(
        slot,
        now=svc.clock(),
        kinds=slot_views.texts(svc).offer_kinds,
        workshops=slot_offers.chosen_workshops(svc, answers),
    ):
        await query.answer(views.unknown_button())
        return None
    if not svc.store.book_seat(slot.id, application_id, now=svc.clock(), draft=True):
        await query.answer(slot_views.message(svc, "full"))
        await _show_fresh(query, svc, conversation, answers, step)
        return None
    await query.answer()
    return f"{SLOT_ANSWER}{slot.id}", slot_views.slot_button_label(slot).removeprefix("📅 ")


async def _show_fresh(
    query: CallbackQuery,
    svc: Services,
    conversation: Conversation,
    answers: dict[str, Any],
    step: Step,
) -> None:
    """The slot filled up meanwhile: say so, with the fresh list."""
    # Nothing changed: a seat held before is still held (and still marked).
    text, markup = view(svc, step, answers, can_go_back=bool(conversation.history))
    text = f"{slot_views.message(svc, 'full')}\n\n{text}"
    if not isinstance(markup, ReplyKeyboardMarkup):  # Telegram refuses to edit one in
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest:
            pass
    if query.message is not None:
        await query.get_bot().send_message(query.message.chat.id, text, reply_markup=markup)


def workshops_changed(
    svc: Services, application_id: int | None, answers: dict[str, Any], chosen: list[str]
) -> str | None:
    """The person changed her workshops: a date tied to a workshop she no longer chose is
    not hers any more. Its seat is freed and the step's answer dropped (`answers` is changed
    in place), so that the journey asks for a date again. Returns what to tell her."""
    step_id = _step_id(svc)
    held = _slot_id(answers.get(step_id))
    booking = None if application_id is None else svc.store.active_booking_of(application_id)
    slot = booking.slot if booking is not None else None
    if slot is None and held is not None:
        with contextlib.suppress(NotFoundError):
            slot = svc.store.slot(held)  # the seat was let go while the draft sat idle
    if slot is None or not rules.leaves_workshops(slot.workshop, chosen):
        return None
    if booking is not None and application_id is not None:
        svc.store.cancel_booking(application_id, reason="workshop_removed")
    answers.pop(step_id, None)
    workshop = svc.dialogs.workshop(slot.workshop or "")
    return " ".join(
        [
            _("Votre place du {moment} est libérée.").format(moment=format_moment(slot.start)),
            _("Cette date était pour l'atelier « {workshop} ».").format(
                workshop=_(workshop.label) if workshop else slot.workshop
            ),
            _("Vous choisirez une autre date ensuite."),
        ]
    )


async def after_filing(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: CandidateApplication
) -> None:
    """The booked slot, confirmed: text first, then the calendar file and the map pin (both
    best effort), and its reminders scheduled."""
    booking = svc.store.active_booking_of(application.id)
    now = svc.clock()
    if booking is not None and rules.leaves_workshops(booking.slot.workshop, application.workshops):
        # Tied to a workshop she did not keep (workshops_changed frees it on the way).
        svc.store.cancel_booking(application.id, actor="system", reason="workshop_removed")
        booking = None
        chosen = None
        lost = True
    elif booking is not None and booking.slot.start <= now:
        svc.store.cancel_booking(application.id, actor="system", reason="past")
        booking = None
        chosen = None
        lost = True
    else:
        chosen = _slot_id(application.answers.get(_step_id(svc)))
        lost = False
    if booking is None and chosen is not None:
        # The seat was let go while the draft sat idle: take it again if still free.
        if svc.store.book_seat(chosen, application.id, now=now):
            booking = svc.store.active_booking_of(application.id)
        else:
            lost = True
    if booking is not None:
        await send_confirmation(context, svc, booking)  # with what to bring
        return
    if lost:
        await _offer_after_loss(context, svc, application)
        return
    # No rendez-vous booked ("Aucune de ces dates", no open date): the list, once, for the
    # team's call.
    bring = slot_views.bring_when_called(svc, slot_offers.bring_for(svc, application.id))
    if bring:
        try:
            await send_text(context.bot, application.user_id, "\n".join(bring))
        except TelegramError as error:
            log.warning("what to bring not sent: %s", type(error).__name__)


def _step_id(svc: Services) -> str:
    return next((s.id for s in svc.dialogs.steps if s.kind == "slot"), journey_ids.RENDEZ_VOUS)


async def _offer_after_loss(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, application: CandidateApplication
) -> None:
    """The date chosen in the journey is gone: say so, and offer the open ones."""
    offers = slot_offers.open_for(svc, slot_offers.workshops_of(svc, application.id))
    lines = [slot_views.message(svc, "lost_choice")]
    if offers:
        lines.append(slot_views.message(svc, "other_date"))
    else:
        lines.append(slot_views.message(svc, "team_will_call"))
        bring = slot_views.bring_when_called(svc, slot_offers.bring_for(svc, application.id))
        lines += ["", *bring] if bring else []
    try:
        await context.bot.send_message(
            application.user_id,
            "\n".join(lines),
            reply_markup=slot_views.offer_markup(svc, offers) if offers else None,
        )
    except TelegramError as error:
        log.warning("lost-date notice not sent: %s", type(error).__name__)


async def send_confirmation(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, booking: Booking
) -> None:
    """Confirm a booking to its candidate (also used after a move from /rdv or an offer, and
    when staff convene them: then in the candidate's language, not the staff's)."""
    with in_language_of(svc, booking.user_id):
        await _send_confirmation(context, svc, booking)


async def _send_confirmation(
    context: ContextTypes.DEFAULT_TYPE, svc: Services, booking: Booking
) -> None:
    slot = booking.slot
    chat_id = booking.user_id
    bring = slot_offers.bring_for(svc, booking.application_id)
    try:
        await send_text(context.bot, chat_id, slot_views.confirmation_text(svc, slot, bring))
    except TelegramError as error:
        log.warning("booking confirmation not sent: %s", type(error).__name__)
        return
    entry = CalendarEntry(
        uid=f"tremplin-booking-{booking.id}@{svc.dialogs.structure.slug}",
        start=slot.start,
        duration_minutes=slot.duration_minutes,
        summary=_("{kind} — {name}").format(
            kind=slot_views.kind_label(svc, slot.kind), name=svc.dialogs.structure.short_name
        ),
        location=slot_views.place_of(svc, slot),
        description=slot_views.calendar_description(svc, slot, bring),
        geo=(svc.dialogs.structure.latitude, svc.dialogs.structure.longitude)
        if slot_views.at_structure(svc, slot)
        else None,
    )
    try:
        await context.bot.send_document(
            chat_id,
            InputFile(
                ics_bytes(
                    entry,
                    zone=svc.settings.timezone,
                    stamp=svc.clock(),
                    product_id=svc.dialogs.structure.product_id,
                ),
                filename=FILENAME,
            ),
            caption=slot_views.message(svc, "calendar_caption"),
        )
    except TelegramError as error:
        # Some Bot API servers refuse files: the text above says it all.
        log.warning("calendar file refused: %s", type(error).__name__)
    if slot_views.at_structure(svc, slot):
        structure = svc.dialogs.structure
        try:
            await context.bot.send_venue(
                chat_id,
                latitude=structure.latitude,
                longitude=structure.longitude,
                title=structure.name,
                address=structure.address,
            )
        except TelegramError as error:
            log.warning("map pin refused: %s", type(error).__name__)
    reminders.schedule_for_application(context.application, booking.application_id)


def summary_labels(svc: Services, answers: Mapping[str, Any]) -> dict[str, str]:
    """The booked date in words, for the summary ("mardi 10 mars à 14 h")."""
    step_id = _step_id(svc)
    answer = answers.get(step_id)
    slot_id = _slot_id(answer)
    if answer == NONE_FITS:
        return {step_id: _("l'équipe vous proposera une date")}
    if slot_id is None:
        return {step_id: _("l'équipe va vous appeler")} if answer else {}
    try:
        slot = svc.store.slot(slot_id)
    except NotFoundError:
        return {}
    return {step_id: format_moment(slot.start)}
