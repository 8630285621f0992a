"""Recruitment slots, bookings and reminders (issue #5).

A seat is taken by one conditional INSERT inside an IMMEDIATE transaction: the write lock is
held from the first statement, so two processes (or two connections) racing for the last seat
cannot both win. An application holds at most one active booking (a partial unique index).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from bot.core import states
from bot.core.store import NotFoundError, StoreBase, iso
from bot.slots.rules import KINDS

BOOKING_STATES = ("booked", "confirmed", "cancelled", "attended", "no_show")
# A booking that still expects the person at the slot.
ACTIVE_BOOKING = ("booked", "confirmed")
# Applications that are alive after filing: only they get reminders and appear to staff.
# Plain strings: they are written into SQL with `repr`.
FILED_ALIVE = tuple(s.value for s in states.FILED_ALIVE)

_ACTIVE_SQL = "('booked', 'confirmed')"


def migrate(db: Database) -> None:
    """0002: slots, bookings, reminders sent; a withdrawn or refused application frees its
    seat (trigger), an erased one loses its bookings (ON DELETE CASCADE)."""
    db.execute(
        """
        CREATE TABLE slots (
            id INTEGER PRIMARY KEY,
            start TEXT NOT NULL,             -- UTC, ISO 8601
            duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
            kind TEXT NOT NULL CHECK (kind IN ('information_collective', 'entretien')),
            seats INTEGER NOT NULL CHECK (seats > 0),
            place TEXT,                      -- NULL: the structure's address
            workshop TEXT,                   -- a workshop id, when the slot is for one
            cancelled_at TEXT,
            cancelled_by TEXT,               -- 'staff:<id>' or 'cli'
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX slots_start ON slots(start)")
    db.execute(
        """
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'booked'
                CHECK (state IN ('booked', 'confirmed', 'cancelled', 'attended', 'no_show')),
            cancel_reason TEXT,              -- candidate, moved, slot_cancelled, withdrawn, ...
            notice_due TEXT,                 -- a message the candidate must still get
            notice_sent_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        f"CREATE UNIQUE INDEX bookings_one_active ON bookings(application_id) "
        f"WHERE state IN {_ACTIVE_SQL}"
    )
    db.execute("CREATE INDEX bookings_slot ON bookings(slot_id, state)")
    db.execute("CREATE INDEX bookings_notice ON bookings(notice_due) WHERE notice_due IS NOT NULL")
    db.execute(
        """
        CREATE TABLE reminders_sent (
            booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,              -- 'veille' (the evening before) or 'jour'
            outcome TEXT NOT NULL,           -- 'sent', 'skipped', 'failed'
            at TEXT NOT NULL,
            PRIMARY KEY (booking_id, kind)
        )"""
    )
    # Whatever path withdraws or refuses an application, its seat is freed.
    db.execute(
        f"""
        CREATE TRIGGER bookings_free_on_close AFTER UPDATE OF state ON applications
        WHEN NEW.state IN ('annulee', 'refusee')
        BEGIN
            UPDATE bookings SET state = 'cancelled', cancel_reason = NEW.state,
                updated_at = NEW.updated_at
            WHERE application_id = NEW.id AND state IN {_ACTIVE_SQL};
        END"""
    )


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


_SLOT_COLUMNS = (
    "s.id, s.start, s.duration_minutes, s.kind, s.seats, s.place, s.workshop, s.cancelled_at, "
    "(SELECT COUNT(*) FROM bookings b WHERE b.slot_id = s.id AND b.state != 'cancelled')"
)
_BOOKING_SELECT = (
    f"SELECT {_SLOT_COLUMNS}, k.id, k.application_id, k.state, k.cancel_reason, k.notice_due, "
    "k.created_at, a.user_id, a.state, a.reference, a.first_name, a.last_name, a.phone "
    "FROM bookings k JOIN slots s ON s.id = k.slot_id JOIN applications a "
    "ON a.id = k.application_id"
)


def _booking(row: Any) -> Booking:
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
    )


class _Refused(Exception):
    """Raised inside a transaction to roll it back when a seat cannot be taken."""


class SlotStore(StoreBase):
    """Slots, seats, attendance and the record of reminders sent."""

    @contextmanager
    def _immediate(self, *, durable: bool = True) -> Iterator[None]:
        """A write transaction that takes the write lock at once (BEGIN IMMEDIATE), so that a
        read inside it cannot be overtaken by another connection's write. Not `durable`: a
        draft's seat, committed without fsync like the rest of the draft (see
        `draft_transaction`)."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        with nullcontext() if durable else self.without_fsync():
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

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
        with self._immediate():
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
                    f"SELECT id FROM bookings WHERE slot_id = ? AND state IN {_ACTIVE_SQL}",
                    [slot_id],
                ).fetchall()
            ]
            self.db.execute(
                "UPDATE bookings SET state = 'cancelled', cancel_reason = 'slot_cancelled', "
                f"notice_due = 'slot_cancelled', updated_at = ? "
                f"WHERE slot_id = ? AND state IN {_ACTIVE_SQL}",
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
            with self._immediate(durable=not draft):
                current = self.db.execute(
                    f"SELECT slot_id FROM bookings WHERE application_id = ? "
                    f"AND state IN {_ACTIVE_SQL}",
                    [application_id],
                ).fetchone()
                if current is not None and current[0] == slot_id:
                    return True
                self.db.execute(
                    "UPDATE bookings SET state = 'cancelled', cancel_reason = 'moved', "
                    f"updated_at = ? WHERE application_id = ? AND state IN {_ACTIVE_SQL}",
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
            f"{_BOOKING_SELECT} WHERE k.application_id = ? AND k.state IN {_ACTIVE_SQL}",
            [application_id],
        ).fetchone()
        return None if row is None else _booking(row)

    def booking(self, booking_id: int) -> Booking:
        row = self.db.execute(f"{_BOOKING_SELECT} WHERE k.id = ?", [booking_id]).fetchone()
        if row is None:
            raise NotFoundError(f"booking {booking_id}")
        return _booking(row)

    def bookings_of_slot(self, slot_id: int) -> list[Booking]:
        """Bookings holding a seat in the slot (not cancelled), in booking order."""
        rows = self.db.execute(
            f"{_BOOKING_SELECT} WHERE k.slot_id = ? AND k.state != 'cancelled' ORDER BY k.id",
            [slot_id],
        ).fetchall()
        return [_booking(row) for row in rows]

    def cancel_booking(
        self, application_id: int, *, actor: str = "candidate", reason: str = "candidate"
    ) -> Booking | None:
        """Free the application's seat; the booking that was cancelled, or None."""
        with self._immediate():
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
            f"updated_at = ? WHERE application_id = ? AND state IN {_ACTIVE_SQL} AND slot_id "
            f"IN (SELECT id FROM slots WHERE kind IN ({marks}) AND start > ?)",
            [self._now(), application_id, *kinds, iso(now)],
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
            f"{_BOOKING_SELECT} WHERE k.id IN (SELECT max(id) FROM bookings "
            "WHERE state != 'cancelled' GROUP BY application_id)"
        ).fetchall()
        return {booking.application_id: booking for booking in map(_booking, rows)}

    def release_idle_drafts(self, *, idle_since: datetime) -> int:
        """Free the seats held by drafts whose journey has not moved since `idle_since`
        (they are taken again at filing when still free). Returns how many were freed."""
        cursor = self.db.execute(
            "UPDATE bookings SET state = 'cancelled', cancel_reason = 'draft_idle', "
            f"updated_at = ? WHERE state IN {_ACTIVE_SQL} AND application_id IN ("
            "SELECT a.id FROM applications a LEFT JOIN conversations c "
            "ON c.application_id = a.id WHERE a.state = 'brouillon' "
            "AND COALESCE(c.updated_at, a.updated_at) < ?)",
            [self._now(), iso(idle_since)],
        )
        return cursor.rowcount

    def confirm_booking(self, booking_id: int) -> bool:
        """The candidate said "Je viens"; True when the booking is (now) confirmed."""
        cursor = self.db.execute(
            "UPDATE bookings SET state = 'confirmed', updated_at = ? "
            "WHERE id = ? AND state IN ('booked', 'confirmed')",
            [self._now(), booking_id],
        )
        return cursor.rowcount == 1

    def mark_attendance(self, booking_id: int, *, present: bool, actor: str) -> bool:
        """Présent or absent, after the slot; an absence leaves a notice due (one new slot).
        True when this call changed something."""
        state = "attended" if present else "no_show"
        with self._immediate():
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

    def notices_due(self) -> list[Booking]:
        rows = self.db.execute(
            f"{_BOOKING_SELECT} WHERE k.notice_due IS NOT NULL AND k.notice_sent_at IS NULL "
            "ORDER BY k.id"
        ).fetchall()
        return [_booking(row) for row in rows]

    def claim_notice(self, booking_id: int) -> bool:
        """Mark a notice as sent before sending it: True for exactly one caller."""
        cursor = self.db.execute(
            "UPDATE bookings SET notice_sent_at = ? WHERE id = ? AND notice_due IS NOT NULL "
            "AND notice_sent_at IS NULL",
            [self._now(), booking_id],
        )
        return cursor.rowcount == 1

    def release_notice(self, booking_id: int) -> None:
        """A notice that could not be sent for a passing reason: try again later."""
        self.db.execute("UPDATE bookings SET notice_sent_at = NULL WHERE id = ?", [booking_id])

    # -- reminders ----------------------------------------------------------------------

    def bookings_to_remind(self, *, now: datetime) -> list[Booking]:
        """Active bookings of filed, alive applications whose slot has not started."""
        alive = ", ".join(repr(s) for s in FILED_ALIVE)
        rows = self.db.execute(
            f"{_BOOKING_SELECT} WHERE k.state IN {_ACTIVE_SQL} AND s.cancelled_at IS NULL "
            f"AND s.start > ? AND a.state IN ({alive}) ORDER BY s.start, k.id",
            [iso(now)],
        ).fetchall()
        return [_booking(row) for row in rows]

    def reminders_recorded(self, booking_id: int) -> dict[str, str]:
        """{kind: outcome} of the reminders already handled for a booking."""
        rows = self.db.execute(
            "SELECT kind, outcome FROM reminders_sent WHERE booking_id = ?", [booking_id]
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def claim_reminder(self, booking_id: int, kind: str, outcome: str = "sent") -> bool:
        """Record a reminder before sending it: True for exactly one caller, ever."""
        try:
            cursor = self.db.execute(
                "INSERT INTO reminders_sent (booking_id, kind, outcome, at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT(booking_id, kind) DO NOTHING",
                [booking_id, kind, outcome, self._now()],
            )
        except sqlite3.IntegrityError:
            return False  # the booking is gone
        return cursor.rowcount == 1

    def set_reminder_outcome(self, booking_id: int, kind: str, outcome: str) -> None:
        self.db.execute(
            "UPDATE reminders_sent SET outcome = ? WHERE booking_id = ? AND kind = ?",
            [outcome, booking_id, kind],
        )

    def release_reminder(self, booking_id: int, kind: str) -> None:
        """A reminder that could not be sent for a passing reason: try again later."""
        self.db.execute(
            "DELETE FROM reminders_sent WHERE booking_id = ? AND kind = ?", [booking_id, kind]
        )
