"""Recruitment slots, bookings and reminders (issue #5).

A seat is taken by one conditional INSERT inside an IMMEDIATE transaction: the write lock is
held from the first statement, so two processes (or two connections) racing for the last seat
cannot both win. An application holds at most one active booking (a partial unique index).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.core.states import State, sql_in
from bot.core.store import NotFoundError, StoreBase, iso
from bot.slots.rules import KINDS, freed_by_decision

BOOKING_STATES = ("booked", "confirmed", "cancelled", "attended", "no_show")
# A booking that still expects the person at the slot.
ACTIVE_BOOKING = ("booked", "confirmed")

ACTIVE_BOOKING_SQL = "('booked', 'confirmed')"


@dataclass(frozen=True, slots=True)
class Slot:
    id: int
    start: datetime  # aware, UTC
    duration_minutes: int
    kind: str  # "information_collective" | "entretien"
    seats: int
    place: str | None
    workshop: str | None
    cancelled: bool
    taken: int  # bookings holding a seat (not cancelled)

    @property
    def left(self) -> int:
        return max(0, self.seats - self.taken)

    @classmethod
    def from_row(cls, row: Any) -> Slot:
        return cls(
            id=row[0],
            start=datetime.fromisoformat(row[1]),
            duration_minutes=row[2],
            kind=row[3],
            seats=row[4],
            place=row[5],
            workshop=row[6],
            cancelled=row[7] is not None,
            taken=row[8],
        )


@dataclass(frozen=True, slots=True)
class Booking:
    """A booking with what the bot needs to talk to its candidate."""

    id: int
    slot: Slot
    application_id: int
    state: str
    cancel_reason: str | None
    notice_due: str | None
    created_at: datetime
    user_id: int
    application_state: str
    reference: str | None
    first_name: str | None
    last_name: str | None
    phone: str | None
    latin_name: str | None = None  # her name in Latin letters, for staff (#21.10)


_SLOT_COLUMNS = (
    "s.id, s.start, s.duration_minutes, s.kind, s.seats, s.place, s.workshop, s.cancelled_at, "
    "(SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.state != 'cancelled')"
)
BOOKING_SELECT = (
    f"SELECT {_SLOT_COLUMNS}, k.id, k.application_id, k.state, k.cancel_reason, k.notice_due, "
    "k.created_at, a.user_id, a.state, a.reference, a.first_name, a.last_name, a.phone, "
    "a.latin_name "
    "FROM bookings k JOIN slots s ON s.id = k.slot_id JOIN applications a "
    "ON a.id = k.application_id"
)


def booking_of_row(row: Any) -> Booking:
    return Booking(
        id=row[9],
        slot=Slot.from_row(row[:9]),
        application_id=row[10],
        state=row[11],
        cancel_reason=row[12],
        notice_due=row[13],
        created_at=datetime.fromisoformat(row[14]),
        user_id=row[15],
        application_state=row[16],
        reference=row[17],
        first_name=row[18],
        last_name=row[19],
        phone=row[20],
        latin_name=row[21],
    )


class _Refused(Exception):
    """Raised inside a transaction to roll it back when a seat cannot be taken."""


class SlotStore(StoreBase):
    """Slots, seats, attendance and the record of reminders sent."""

    # -- slots ---------------------------------------------------------------------------

    def add_slot(
        self,
        *,
        start: datetime,
        seats: int,
        duration_minutes: int = 90,
        kind: str = "information_collective",
        place: str | None = None,
        workshop: str | None = None,
        actor: str = "system",
    ) -> Slot:
        if start.tzinfo is None:
            raise ValueError("a slot's start must be an aware datetime")
        if kind not in KINDS:
            raise ValueError(f"unknown slot kind {kind!r}")
        if seats < 1 or duration_minutes < 1:
            raise ValueError("seats and duration must be positive")
        with self.db.atomic():
            cursor = self.db.execute(
                "INSERT INTO slots (start, duration_minutes, kind, seats, place, workshop, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [iso(start), duration_minutes, kind, seats, place or None, workshop, self._now()],
            )
            slot_id = int(cursor.lastrowid or 0)
            self._event(actor, f"slot_added:{slot_id}", None, None, None)
        return self.slot(slot_id)

    def slot(self, slot_id: int) -> Slot:
        row = self.db.execute(
            f"SELECT {_SLOT_COLUMNS} FROM slots s WHERE s.id = ?", [slot_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"slot {slot_id}")
        return Slot.from_row(row)

    def open_slots(self, *, now: datetime, kind: str | None = None, limit: int = 6) -> list[Slot]:
        """Future, not cancelled, with seats left; soonest first."""
        rows = self.db.execute(
            f"SELECT * FROM (SELECT {_SLOT_COLUMNS} AS taken FROM slots s "
            "WHERE s.start > ? AND s.cancelled_at IS NULL AND (? IS NULL OR s.kind = ?)) "
            "WHERE taken < seats ORDER BY start, id LIMIT ?",
            [iso(now), kind, kind, limit],
        ).fetchall()
        return [Slot.from_row(row) for row in rows]

    def slots_between(self, *, since: datetime, until: datetime | None = None) -> list[Slot]:
        """Slots (cancelled included) starting from `since`, soonest first; for staff."""
        rows = self.db.execute(
            f"SELECT {_SLOT_COLUMNS} FROM slots s WHERE s.start >= ? "
            "AND (? IS NULL OR s.start < ?) ORDER BY s.start, s.id",
            [
                iso(since),
                None if until is None else iso(until),
                None if until is None else iso(until),
            ],
        ).fetchall()
        return [Slot.from_row(row) for row in rows]

    def cancel_slot(self, slot_id: int, *, actor: str) -> list[Booking]:
        """Cancel a slot: its active bookings are cancelled and marked for a notice (sent by
        the running bot). Returns those bookings; empty when it was already cancelled."""
        with self.immediate_transaction():
            cursor = self.db.execute(
                "UPDATE slots SET cancelled_at = ?, cancelled_by = ? "
                "WHERE id = ? AND cancelled_at IS NULL",
                [self._now(), actor, slot_id],
            )
            if cursor.rowcount != 1:
                self.slot(slot_id)  # NotFoundError when there is no such slot
                return []
            ids = [
                row[0]
                for row in self.db.execute(
                    f"SELECT id FROM bookings WHERE slot_id = ? AND state IN {ACTIVE_BOOKING_SQL}",
                    [slot_id],
                ).fetchall()
            ]
            self.db.execute(
                "UPDATE bookings SET state = 'cancelled', cancel_reason = 'slot_cancelled', "
                f"notice_due = 'slot_cancelled', updated_at = ? "
                f"WHERE slot_id = ? AND state IN {ACTIVE_BOOKING_SQL}",
                [self._now(), slot_id],
            )
            self._event(actor, f"slot_cancelled:{slot_id}", None, None, None)
        return [self.booking(booking_id) for booking_id in ids]

    # -- bookings ------------------------------------------------------------------------

    def book_seat(
        self, slot_id: int, application_id: int, *, now: datetime, draft: bool = False
    ) -> bool:
        """Take a seat for the application, moving its active booking if it has one.

        One IMMEDIATE transaction; the seat is taken by a single conditional INSERT that
        counts the seats taken in the same statement. False (nothing changed) when the slot
        is full, cancelled or started. A `draft`'s seat is made durable by the filing."""
        stamp = iso(now)
        try:
            with self.immediate_transaction(durable=not draft):
                current = self.db.execute(
                    f"SELECT slot_id FROM bookings WHERE application_id = ? "
                    f"AND state IN {ACTIVE_BOOKING_SQL}",
                    [application_id],
                ).fetchone()
                if current is not None and current[0] == slot_id:
                    return True
                self.db.execute(
                    "UPDATE bookings SET state = 'cancelled', cancel_reason = 'moved', "
                    f"updated_at = ? WHERE application_id = ? AND state IN {ACTIVE_BOOKING_SQL}",
                    [stamp, application_id],
                )
                cursor = self.db.execute(
                    "INSERT INTO bookings (slot_id, application_id, state, created_at, "
                    "updated_at) SELECT s.id, ?, 'booked', ?, ? FROM slots s "
                    "WHERE s.id = ? AND s.cancelled_at IS NULL AND s.start > ? AND "
                    "(SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id "
                    "AND b.state != 'cancelled') < s.seats",
                    [application_id, stamp, stamp, slot_id, stamp],
                )
                if cursor.rowcount != 1:
                    raise _Refused
                self._event(
                    "candidate",
                    "slot_booked" if current is None else "slot_moved",
                    application_id,
                    None,
                    None,
                )
        except _Refused:
            return False
        except sqlite3.IntegrityError:
            # The application row is gone (erased meanwhile): nothing to book.
            return False
        return True

    def active_booking(self, application_id: int) -> tuple[Slot, str] | None:
        """(slot, booking state) of the application's active booking, if any."""
        booking = self.active_booking_of(application_id)
        return None if booking is None else (booking.slot, booking.state)

    def booked_kinds(self, application_id: int) -> set[str]:
        """The kinds of every slot the application was ever booked on."""
        rows = self.db.execute(
            "SELECT DISTINCT s.kind FROM bookings b JOIN slots s ON s.id = b.slot_id "
            "WHERE b.application_id = ?",
            [application_id],
        ).fetchall()
        return {row[0] for row in rows}

    def booking_history(self, application_id: int) -> list[dict[str, Any]]:
        """Every booking the application ever had (for /mesdonnees), oldest first."""
        return list(
            self.db.query(
                "SELECT s.start, s.kind, s.place, b.state FROM bookings b "
                "JOIN slots s ON s.id = b.slot_id WHERE b.application_id = ? ORDER BY b.id",
                [application_id],
            )
        )

    def active_booking_of(self, application_id: int) -> Booking | None:
        row = self.db.execute(
            f"{BOOKING_SELECT} WHERE k.application_id = ? AND k.state IN {ACTIVE_BOOKING_SQL}",
            [application_id],
        ).fetchone()
        return None if row is None else booking_of_row(row)

    def booking(self, booking_id: int) -> Booking:
        row = self.db.execute(f"{BOOKING_SELECT} WHERE k.id = ?", [booking_id]).fetchone()
        if row is None:
            raise NotFoundError(f"booking {booking_id}")
        return booking_of_row(row)

    def bookings_of_slot(self, slot_id: int) -> list[Booking]:
        """Bookings holding a seat in the slot (not cancelled), in booking order."""
        rows = self.db.execute(
            f"{BOOKING_SELECT} WHERE k.slot_id = ? AND k.state != 'cancelled' ORDER BY k.id",
            [slot_id],
        ).fetchall()
        return [booking_of_row(row) for row in rows]

    def cancel_booking(
        self, application_id: int, *, actor: str = "candidate", reason: str = "candidate"
    ) -> Booking | None:
        """Free the application's seat; the booking that was cancelled, or None."""
        with self.immediate_transaction():
            booking = self.active_booking_of(application_id)
            if booking is None:
                return None
            self.db.execute(
                "UPDATE bookings SET state = 'cancelled', cancel_reason = ?, updated_at = ? "
                "WHERE id = ?",
                [reason, self._now(), booking.id],
            )
            self._event(actor, "slot_cancelled_by_candidate", application_id, None, None)
        return booking

    def free_after_decision(
        self, application_id: int, *, new_state: str, interview_in_slot: bool, now: datetime
    ) -> int:
        """Inside a staff decision's transaction (staff's store calls it): free the seats
        the decision to `new_state` makes needless (the slots' rule `freed_by_decision`)."""
        kinds = freed_by_decision(new_state, interview_in_slot=interview_in_slot)
        return self.free_for_decision(application_id, kinds=kinds, now=now)

    def free_for_decision(
        self, application_id: int, *, kinds: tuple[str, ...], now: datetime
    ) -> int:
        """Inside a staff decision's transaction: free the seats of the kinds it makes
        needless (slots not started yet). Their reason, `decision_untold`, becomes `decision`
        once the person is told (`take_freed`)."""
        if not kinds:
            return 0
        marks = ", ".join("?" for _ in kinds)
        cursor = self.db.execute(
            "UPDATE bookings SET state = 'cancelled', cancel_reason = 'decision_untold', "
            f"updated_at = ? WHERE application_id = ? AND state IN {ACTIVE_BOOKING_SQL} "
            f"AND slot_id IN (SELECT id FROM slots WHERE kind IN ({marks}) AND start > ?)",
            [self._now(), application_id, *kinds, iso(now)],
        )
        return cursor.rowcount

    def tell_closed(self, application_id: int, *, state: str, stamp: str, now: datetime) -> int:
        """Inside the decision that closed an application (a refusal): the seats the store's
        trigger freed with it (reason: the state, at `stamp`), for slots to come, are told with
        the decision's message (`take_freed`), like those a decision makes needless."""
        cursor = self.db.execute(
            "UPDATE bookings SET cancel_reason = 'decision_untold' WHERE application_id = ? "
            "AND state = 'cancelled' AND cancel_reason = ? AND updated_at = ? "
            "AND slot_id IN (SELECT id FROM slots WHERE start > ?)",
            [application_id, state, stamp, iso(now)],
        )
        return cursor.rowcount

    def take_freed(self, application_id: int) -> list[Slot]:
        """The slots whose seat decisions freed and that the person was not told of yet;
        taken (marked told) before the message is sent, so it is sent at most once. A
        decision overtaken by a later one before its message left is told with that one."""
        with self.draft_transaction():
            rows = self.db.execute(
                f"SELECT {_SLOT_COLUMNS}, k.id FROM bookings k JOIN slots s ON s.id = k.slot_id "
                "WHERE k.application_id = ? AND k.cancel_reason = 'decision_untold' "
                "ORDER BY s.start, k.id",
                [application_id],
            ).fetchall()
            self.db.execute(
                "UPDATE bookings SET cancel_reason = 'decision' WHERE application_id = ? "
                "AND cancel_reason = 'decision_untold'",
                [application_id],
            )
        return [Slot.from_row(row[:9]) for row in rows]

    def current_bookings(self) -> dict[int, Booking]:
        """Each application's latest booking that still counts (booked, confirmed, attended
        or absent: not cancelled), by application id, for the export: one pass."""
        rows = self.db.execute(
            f"{BOOKING_SELECT} WHERE k.id IN (SELECT max(id) FROM bookings "
            "WHERE state != 'cancelled' GROUP BY application_id)"
        ).fetchall()
        return {booking.application_id: booking for booking in map(booking_of_row, rows)}

    def release_idle_drafts(self, *, idle_since: datetime) -> int:
        """Free the seats held by drafts whose journey has not moved since `idle_since`
        (they are taken again at filing when still free). Returns how many were freed."""
        cursor = self.db.execute(
            "UPDATE bookings SET state = 'cancelled', cancel_reason = 'draft_idle', "
            f"updated_at = ? WHERE state IN {ACTIVE_BOOKING_SQL} AND application_id IN ("
            "SELECT a.id FROM applications a LEFT JOIN conversations c "
            f"ON c.application_id = a.id WHERE {sql_in('a.state', State.DRAFT)} "
            "AND COALESCE(c.updated_at, a.updated_at) < ?)",
            [self._now(), iso(idle_since)],
        )
        return cursor.rowcount

    def mark_attendance(self, booking_id: int, *, present: bool, actor: str) -> bool:
        """Présent or absent, after the slot; an absence leaves a notice due (one new slot).
        True when this call changed something."""
        state = "attended" if present else "no_show"
        with self.immediate_transaction():
            booking = self.booking(booking_id)
            if booking.state == state or booking.state == "cancelled":
                return False
            notice = None
            if not present and not self._had_no_show_offer(booking.application_id):
                notice = "no_show"
            self.db.execute(
                "UPDATE bookings SET state = ?, notice_due = ?, updated_at = ? WHERE id = ?",
                [state, notice, self._now(), booking_id],
            )
            self._event(actor, f"attendance:{state}", booking.application_id, None, None)
        return True

    def _had_no_show_offer(self, application_id: int) -> bool:
        row = self.db.execute(
            "SELECT 1 FROM bookings WHERE application_id = ? AND state = 'no_show' "
            "AND (notice_due = 'no_show' OR notice_sent_at IS NOT NULL)",
            [application_id],
        ).fetchone()
        return row is not None

    # -- notices (slot cancelled, no-show): sent by the running bot, once -----------------
