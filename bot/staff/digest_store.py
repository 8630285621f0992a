"""The SQL of the staff's digest and of the applications left without a decision (issue #16):
the day of the last digest (in `bot_state`), what the digest counts, "garder en attente"
(an audit event), and the delays of /stats."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.core.application_store import CandidateApplication
from bot.core.states import DECIDED, OPEN, UNDECIDED, State, sql_in
from bot.core.store import StoreBase, iso

DIGEST_DAY = "digest_day"  # bot_state: the last local day done, as its ordinal
DIGEST_AT = "digest_at"  # bot_state: when it was done, Unix seconds
KEEP_WAITING = "keep_waiting"  # the audit action of "⏸ Garder en attente"


class DigestStore(StoreBase):
    """Reads for the digest, the day it was done, and the team keeping an application."""

    def last_digest_day(self) -> date | None:
        row = self.db.execute("SELECT value FROM bot_state WHERE key = ?", [DIGEST_DAY]).fetchone()
        return date.fromordinal(int(row[0])) if row else None

    def claim_digest(self, day: date) -> datetime | bool | None:
        """Record `day` as done, if no digest did it yet (one conditional upsert, so that two
        processes cannot both claim it): False when one did; otherwise when the previous
        digest was done (None: never)."""
        now = self.clock()
        with self.db.atomic():
            claimed = self.db.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE "
                "SET value = excluded.value WHERE bot_state.value < excluded.value",
                [DIGEST_DAY, day.toordinal()],
            )
            if claimed.rowcount != 1:
                return False
            row = self.db.execute(
                "SELECT value FROM bot_state WHERE key = ?", [DIGEST_AT]
            ).fetchone()
            self.db.execute(
                "INSERT INTO bot_state (key, value) VALUES (?, ?) "
                "ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [DIGEST_AT, int(now.timestamp())],
            )
        return datetime.fromtimestamp(int(row[0]), UTC) if row else None

    def filed_since(self, since: datetime) -> int:
        return int(
            self.db.execute(
                "SELECT count(*) FROM applications WHERE filed_at IS NOT NULL "
                f"AND filed_at > ? AND {sql_in('state', State.DRAFT, negate=True)}",
                [iso(since)],
            ).fetchone()[0]
        )

    def undecided_before(self, before: datetime) -> list[CandidateApplication]:
        """Applications nobody decided on, filed before `before`, oldest first."""
        rows = self.db.query(
            f"SELECT * FROM applications WHERE {sql_in('state', UNDECIDED)} "
            "AND filed_at IS NOT NULL AND filed_at < ? ORDER BY filed_at, id",
            [iso(before)],
        )
        return [CandidateApplication.from_row(row) for row in rows]

    def interviews_between(
        self, start: datetime, end: datetime
    ) -> list[tuple[datetime, CandidateApplication]]:
        """Interviews in [start, end): set by staff (a slot or a date of their own), or an
        interview slot the candidate booked."""
        rows = self.db.execute(
            "SELECT r.interview_at, a.id FROM reviews r JOIN applications a "
            f"ON a.id = r.application_id WHERE {sql_in('a.state', State.INTERVIEW)} "
            "AND coalesce(r.interview_kind, 'entretien') = 'entretien' "
            "AND r.interview_at >= ? AND r.interview_at < ? "
            "UNION SELECT s.start, a.id FROM bookings b JOIN slots s ON s.id = b.slot_id "
            "JOIN applications a ON a.id = b.application_id WHERE s.kind = 'entretien' "
            "AND s.cancelled_at IS NULL AND b.state IN ('booked', 'confirmed') "
            f"AND {sql_in('a.state', OPEN)} "
            "AND s.start >= ? AND s.start < ?",
            [iso(start), iso(end), iso(start), iso(end)],
        ).fetchall()
        found = []
        for at, application_id in rows:
            application = self.application(application_id)  # type: ignore[attr-defined]
            found.append((datetime.fromisoformat(at), application))
        return found

    def drafts_at_step(self, step: str, *, idle_since: datetime) -> int:
        """Drafts whose current step is `step`, untouched since `idle_since`."""
        return int(
            self.db.execute(
                "SELECT count(*) FROM conversations c JOIN applications a "
                f"ON a.id = c.application_id WHERE {sql_in('a.state', State.DRAFT)} AND c.step = ? "
                "AND c.updated_at < ?",
                [step, iso(idle_since)],
            ).fetchone()[0]
        )

    # -- "⏸ Garder en attente" -------------------------------------------------------------

    def keep_waiting(self, application_id: int, *, staff_id: int, staff_name: str) -> None:
        """The team keeps an undecided application waiting (an audit entry; no state)."""
        with self.db.atomic():
            self.remember_staff(staff_id, staff_name)  # type: ignore[attr-defined]
            self._event(f"staff:{staff_id}", KEEP_WAITING, application_id, None, None)

    def last_kept(self, application_id: int) -> str | None:
        row = self.db.execute(
            "SELECT max(at) FROM events WHERE application_id = ? AND action = ?",
            [application_id, KEEP_WAITING],
        ).fetchone()
        return str(row[0]) if row and row[0] else None

    # -- delays, for /stats ----------------------------------------------------------------

    def decision_delays(self) -> list[tuple[str, str]]:
        """(filed_at, first decision's moment) of each application a staff member decided."""
        rows = self.db.execute(
            "SELECT a.filed_at, min(e.at) FROM applications a JOIN events e "
            "ON e.application_id = a.id WHERE a.filed_at IS NOT NULL AND e.action = 'state' "
            f"AND e.actor LIKE 'staff:%' AND {sql_in('e.to_state', DECIDED)} GROUP BY a.id"
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def first_convenings(self) -> list[tuple[str, str | None]]:
        """(filed_at, audit note) of the first convening of each application."""
        # The convenings first (an index on the state changes), then their applications:
        # not one subquery per application.
        rows = self.db.execute(
            "SELECT a.filed_at, e.note FROM (SELECT application_id, min(id) AS first "
            f"FROM events WHERE action = 'state' AND {sql_in('to_state', State.INTERVIEW)} "
            "GROUP BY application_id) f JOIN events e ON e.id = f.first "
            "JOIN applications a ON a.id = f.application_id WHERE a.filed_at IS NOT NULL"
        ).fetchall()
        return [(row[0], row[1]) for row in rows]
