"""Staff's reading of the applications: the queue and its filters, search by name or
reference, the filed applications for the export, and the figures."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from bot.core.application_store import CandidateApplication
from bot.core.states import CALLBACK, FILED, NOT_FILED, OPEN, State, sql_in
from bot.core.store import StoreBase
from bot.staff.store import JourneyCounts, QueueFilter, like_pattern

# Sent by a candidate: neither a draft nor a call-back request (which the queue shows apart
# and no figure counts).
_FILED = sql_in("state", NOT_FILED, negate=True)
_NOT_DRAFT = sql_in("state", State.DRAFT, negate=True)


class StaffQueueStore(StoreBase):
    """The queue, search and figures (read only)."""

    def application_by_reference(self, reference: str) -> CandidateApplication | None:
        row = next(
            self.db.query(
                f"SELECT * FROM applications WHERE reference = ? AND {_NOT_DRAFT}",
                [reference.strip().upper()],
            ),
            None,
        )
        return CandidateApplication.from_row(row) if row else None

    def _queue_where(self, filters: QueueFilter) -> tuple[str, list[Any]]:
        # Unfiltered, the queue also shows the call-back requests still to make (no reference
        # and no filing date: they come first); any other filter leaves them out.
        unfiltered = not (filters.states or filters.workshop or filters.verdict or filters.source)
        states = [s for s in filters.states if s in FILED] or [
            *OPEN,
            *((CALLBACK,) if unfiltered else ()),
        ]
        clauses = [f"state IN ({', '.join('?' for _ in states)})"]
        params: list[Any] = list(states)
        if filters.workshop:
            # The list is JSON text of short ids: a quoted id matches exactly one element.
            clauses.append("instr(workshops, ?) > 0")
            params.append(json.dumps(filters.workshop))
        if filters.verdict:
            clauses.append("verdict = ?")
            params.append(filters.verdict)
        if filters.source:
            clauses.append("source = ?")
            params.append(filters.source)
        return " AND ".join(clauses), params

    def staff_queue(
        self, filters: QueueFilter, *, offset: int = 0, limit: int = 8
    ) -> tuple[list[CandidateApplication], int]:
        """One page of the queue, oldest filed first, and how many match in all."""
        where, params = self._queue_where(filters)
        total = int(
            self.db.execute(f"SELECT count(*) FROM applications WHERE {where}", params).fetchone()[
                0
            ]
        )
        rows = self.db.query(
            f"SELECT * FROM applications WHERE {where} ORDER BY filed_at, id LIMIT ? OFFSET ?",
            [*params, limit, max(0, offset)],
        )
        return [CandidateApplication.from_row(row) for row in rows], total

    def callbacks_to_make(self) -> int:
        """How many call-back requests wait for a call (the unfiltered queue shows them)."""
        return int(
            self.db.execute(
                f"SELECT count(*) FROM applications WHERE {sql_in('state', CALLBACK)}"
            ).fetchone()[0]
        )

    def queue_sources(self, *, limit: int = 12) -> list[tuple[str, int]]:
        """Referrer codes of filed applications, the most frequent first."""
        rows = self.db.execute(
            "SELECT source, count(*) AS n FROM applications WHERE source IS NOT NULL "
            f"AND {_FILED} GROUP BY source ORDER BY n DESC, source LIMIT ?",
            [limit],
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def search_applications(self, text: str, *, limit: int = 10) -> list[CandidateApplication]:
        """Filed applications whose name (first, last or both, as written or in Latin
        letters: "Amina" finds "أمينة") or reference contains `text`."""
        words = text.split()
        if not words:
            return []
        clauses = []
        params: list[Any] = []
        for word in words[:4]:
            clauses.append(
                "(first_name LIKE ? ESCAPE '\\' OR last_name LIKE ? ESCAPE '\\' "
                "OR reference LIKE ? ESCAPE '\\' OR latin_name LIKE ? ESCAPE '\\')"
            )
            params += [like_pattern(word)] * 4
        rows = self.db.query(
            f"SELECT * FROM applications WHERE {_NOT_DRAFT} AND "
            + " AND ".join(clauses)
            + " ORDER BY filed_at DESC, id DESC LIMIT ?",
            [*params, limit],
        )
        return [CandidateApplication.from_row(row) for row in rows]

    def filed_applications(self) -> Iterator[CandidateApplication]:
        """Every filed application, oldest first (export)."""
        for row in self.db.query(
            f"SELECT * FROM applications WHERE filed_at IS NOT NULL AND {_NOT_DRAFT} "
            "ORDER BY filed_at, id"
        ):
            yield CandidateApplication.from_row(row)

    def languages_of_filed(self) -> dict[int, str]:
        """The language each person with a filed application reads (export), by user id."""
        rows = self.db.execute(
            "SELECT u.id, u.language FROM users u WHERE u.language IS NOT NULL AND EXISTS "
            "(SELECT 1 FROM applications a WHERE a.user_id = u.id AND "
            f"{sql_in('a.state', State.DRAFT, negate=True)})"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    # -- figures -------------------------------------------------------------------------

    def counts_by_state(self) -> dict[str, int]:
        rows = self.db.execute(
            f"SELECT state, count(*) FROM applications WHERE {_FILED} GROUP BY state"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def counts_by_source(self) -> dict[str | None, int]:
        rows = self.db.execute(
            f"SELECT source, count(*) FROM applications WHERE {_FILED} GROUP BY source"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def counts_by_month(self) -> dict[str, int]:
        """Filed applications per month ('2026-03'), in UTC."""
        rows = self.db.execute(
            "SELECT substr(filed_at, 1, 7) AS month, count(*) FROM applications "
            "WHERE filed_at IS NOT NULL GROUP BY month ORDER BY month"
        ).fetchall()
        return {row[0]: row[1] for row in rows}

    def counts_by_workshop(self) -> dict[str, int]:
        """How many filed applications chose each workshop (any rank)."""
        # Grouped by the whole list (few distinct lists, read from an index), then split.
        rows = self.db.execute(
            "SELECT workshops, count(*) FROM applications WHERE filed_at IS NOT NULL "
            "GROUP BY workshops"
        ).fetchall()
        counts: dict[str, int] = {}
        for workshops, n in rows:
            for workshop in dict.fromkeys(json.loads(workshops or "[]")):
                counts[str(workshop)] = counts.get(str(workshop), 0) + n
        return counts

    def journey_counts(self) -> JourneyCounts:
        rows = self.db.execute(
            "SELECT action, count(*) FROM events WHERE action IN ('consent', 'filed', "
            "'declined', 'declined_consent', 'abandoned', 'restarted', 'expired', 'erased', "
            "'callback') "
            "GROUP BY action"
        ).fetchall()
        before = self.db.execute(
            "SELECT count(*) FROM conversations WHERE application_id IS NULL"
        ).fetchone()[0]
        steps = self.db.execute(
            "SELECT c.step, count(*) FROM conversations c JOIN applications a "
            f"ON a.id = c.application_id WHERE {sql_in('a.state', State.DRAFT)} GROUP BY c.step"
        ).fetchall()
        return JourneyCounts(
            events={row[0]: row[1] for row in rows},
            before_consent=int(before),
            draft_steps={row[0]: row[1] for row in steps},
        )

    def attendance_counts(self) -> dict[str, int] | None:
        """Bookings by state (attended, no_show, …), or None without the slots' table."""
        exists = self.db.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'bookings'"
        ).fetchone()
        if exists is None:
            return None
        rows = self.db.execute("SELECT state, count(*) FROM bookings GROUP BY state").fetchall()
        return {row[0]: row[1] for row in rows}
