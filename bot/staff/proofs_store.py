"""The proofs staff have seen (issue #16): one row per application and criterion."""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.store import StoreBase


@dataclass(frozen=True, slots=True)
class ProofSeen:
    criterion: str
    by: str  # the staff member's first name
    at: str  # UTC, ISO 8601


class ProofStore(StoreBase):
    def mark_proof_seen(
        self, application_id: int, criterion: str, *, staff_id: int, staff_name: str
    ) -> bool:
        """Record that a proof was seen; False when it already was (a double tap)."""
        with self.transaction():
            cursor = self.db.execute(
                "INSERT INTO proofs_seen (application_id, criterion, seen_by, seen_by_name, "
                "seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                [application_id, criterion, staff_id, staff_name, self._now()],
            )
            if cursor.rowcount:
                self._event(f"staff:{staff_id}", "proof:seen", application_id, None, criterion)
        return bool(cursor.rowcount)

    def proofs_seen(self, application_id: int) -> dict[str, ProofSeen]:
        return self.proofs_seen_of([application_id]).get(application_id, {})

    def proofs_seen_of(self, application_ids: list[int]) -> dict[int, dict[str, ProofSeen]]:
        found: dict[int, dict[str, ProofSeen]] = {}
        for start in range(0, len(application_ids), 500):
            chunk = application_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                "SELECT application_id, criterion, seen_by_name, seen_at FROM proofs_seen "
                f"WHERE application_id IN ({marks}) ORDER BY seen_at",
                chunk,
            )
            for application_id, criterion, name, at in rows:
                found.setdefault(application_id, {})[criterion] = ProofSeen(criterion, name, at)
        return found
