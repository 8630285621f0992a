"""A call-back request marked done by staff (the request itself: `bot.journey.callback_store`)."""

from __future__ import annotations

from bot.core.states import CALLBACK, CALLED
from bot.core.store import StoreBase


class CallbackDoneStore(StoreBase):
    def mark_called(self, request_id: int, *, version: int, staff_id: int, staff_name: str) -> bool:
        """`rappel` → `rappel_fait`, by whom and when (the card's review): a compare-and-set
        on the state and the card's version, like a decision; the person is told nothing."""
        now = self._now()
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE applications SET state = ?, updated_at = ?, last_contact_at = ? "
                "WHERE id = ? AND state = ? AND coalesce("
                "(SELECT version FROM reviews WHERE application_id = ?), 0) = ?",
                [CALLED, now, now, request_id, CALLBACK, request_id, version],
            )
            if cursor.rowcount != 1:
                return False
            self.remember_staff(staff_id, staff_name)  # type: ignore[attr-defined]
            self.db.execute(
                "INSERT INTO reviews (application_id, version, decided_by, decided_at, decision) "
                "VALUES (?, 1, ?, ?, ?) ON CONFLICT(application_id) DO UPDATE SET "
                "version = reviews.version + 1, decided_by = excluded.decided_by, "
                "decided_at = excluded.decided_at, decision = excluded.decision",
                [request_id, staff_id, now, CALLED],
            )
            self._event(f"staff:{staff_id}", "state", request_id, CALLBACK, CALLED)
        return True
