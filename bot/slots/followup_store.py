"""After a booking: the candidate's confirmation, the notices owed (a cancelled slot), and
the reminders, each claimed before it is sent so that it goes once."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from bot.core.states import FILED_ALIVE, sql_in
from bot.core.store import StoreBase, iso
from bot.slots.store import ACTIVE_BOOKING_SQL, BOOKING_SELECT, Booking, booking_of_row


class SlotFollowupStore(StoreBase):
    """Confirmations, notices and reminders of bookings."""

    def confirm_booking(self, booking_id: int) -> bool:
        """The candidate said "Je viens"; True when the booking is (now) confirmed."""
        cursor = self.db.execute(
            "UPDATE bookings SET state = 'confirmed', updated_at = ? "
            "WHERE id = ? AND state IN ('booked', 'confirmed')",
            [self._now(), booking_id],
        )
        return cursor.rowcount == 1

    def notices_due(self) -> list[Booking]:
        rows = self.db.execute(
            f"{BOOKING_SELECT} WHERE k.notice_due IS NOT NULL AND k.notice_sent_at IS NULL "
            "ORDER BY k.id"
        ).fetchall()
        return [booking_of_row(row) for row in rows]

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
        rows = self.db.execute(
            f"{BOOKING_SELECT} WHERE k.state IN {ACTIVE_BOOKING_SQL} AND s.cancelled_at IS NULL "
            f"AND s.start > ? AND {sql_in('a.state', FILED_ALIVE)} ORDER BY s.start, k.id",
            [iso(now)],
        ).fetchall()
        return [booking_of_row(row) for row in rows]

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
