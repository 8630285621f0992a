"""What the journey shows of the slots, through its `Sessions` hook (bot/core/feature.py):
the `slot` step, where a person stands, what a withdrawal says of her session."""

from __future__ import annotations

from datetime import datetime

from bot.core.application_store import CandidateApplication
from bot.core.dialog_views import KIND_LABELS
from bot.core.feature import Session
from bot.core.i18n import N_, _, format_moment
from bot.core.rules.moments import has_started
from bot.core.services import Services
from bot.core.states import State
from bot.slots.journey_step import on_button as on_button
from bot.slots.journey_step import summary_labels as summary_labels
from bot.slots.journey_step import view as view
from bot.slots.journey_step import workshops_changed as workshops_changed
from bot.slots.standing import start_text as start_text
from bot.slots.standing import status_text as status_text
from bot.slots.store import Booking
from bot.slots.views import session_lines

BOOKING_NOTES = {
    "confirmed": N_("a dit « Je viens »"),
}


def booking_line(booking: Booking | None, interview_at: str | None) -> str | None:
    """On the staff's card: "📅 Réunion d'information : jeudi 5 mars à 14 h", unless the
    state line says it (the interview given at `interview_at`)."""
    if booking is None:
        return None
    slot = booking.slot
    if (
        slot.kind == "entretien"
        and interview_at
        and datetime.fromisoformat(interview_at) == slot.start
    ):
        return None  # "📅 Entretien le …" above
    line = _("📅 {kind} : {moment}").format(
        kind=_(KIND_LABELS.get(slot.kind, slot.kind)), moment=format_moment(slot.start)
    )
    note = BOOKING_NOTES.get(booking.state)
    return f"{line} · {_(note)}" if note else line


def held(svc: Services, application_id: int) -> object:
    """The seat an application holds, read before it is withdrawn (a trigger frees it)."""
    return svc.store.active_booking_of(application_id)


def withdrawn_lines(svc: Services, held: object) -> list[str]:
    """What the withdrawal says of the seat it held: freed, unless the session began."""
    booking = held if isinstance(held, Booking) else None
    if booking is None or has_started(booking.slot.start, svc.clock()):
        return session_lines([], None, State.CANCELLED)
    return session_lines([booking.slot], None, State.CANCELLED)


def decision_lines(svc: Services, application: CandidateApplication) -> list[str]:
    """What a decision's message says of her seats: those it freed (an information session
    once she is invited or accepted, every seat once she is refused; freed in its
    transaction), or the one it left her, kept."""
    freed = svc.store.take_freed(application.id)
    kept = svc.store.active_booking_of(application.id)
    kept_slot = (
        kept.slot if kept is not None and not has_started(kept.slot.start, svc.clock()) else None
    )
    return session_lines(freed, kept_slot, application.state)


def card_line(svc: Services, application_id: int, interview_at: str | None) -> str | None:
    """The staff's card: the seat she holds, in one line (None: none, or said above)."""
    return booking_line(svc.store.active_booking_of(application_id), interview_at)


def booked(svc: Services) -> dict[int, Session]:
    """The export: each application's latest session that still counts, in one pass."""
    return {
        application_id: Session(kind=b.slot.kind, start=b.slot.start, place=b.slot.place)
        for application_id, b in svc.store.current_bookings().items()
    }
