"""Staff review: queue, decisions, notes, cards posted to staff, export and figures (issue #4).

A decision is a compare-and-set on `applications.state` *and* on the review's version (bumped
by every decision, carried by every card button): two staff members tapping at the same
moment record exactly one decision; the other finds the version moved on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from bot.core.mentions import CARD, remember_shown
from bot.core.states import State
from bot.core.store import StoreBase

CARDS_KEPT = 10  # card messages kept per application (older ones are no longer edited)


@dataclass(frozen=True, slots=True)
class Review:
    """What staff did with one application: the latest decision and who opened it."""

    application_id: int
    version: int = 0
    claimed_by: int | None = None
    claimed_by_name: str | None = None
    claimed_at: str | None = None
    decided_by: int | None = None
    decided_by_name: str | None = None
    decided_at: str | None = None
    decision: str | None = None
    reason: str | None = None
    note: str | None = None
    interview_at: str | None = None
    interview_place: str | None = None
    interview_kind: str | None = None
    slot_id: int | None = None


@dataclass(frozen=True, slots=True)
class Note:
    at: str
    author: str | None  # the staff member's first name (None: unknown)
    text: str


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """What a queue page shows; empty `states` means every open application."""

    states: tuple[str, ...] = ()
    workshop: str | None = None
    verdict: str | None = None
    source: str | None = None
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_json(self) -> str:
        return json.dumps(
            {
                "states": list(self.states),
                "workshop": self.workshop,
                "verdict": self.verdict,
                "source": self.source,
                **self.extra,
            },
            ensure_ascii=False,
        )

    @classmethod
    def from_json(cls, text: str) -> QueueFilter:
        raw = json.loads(text or "{}")
        known = {"states", "workshop", "verdict", "source"}
        return cls(
            states=tuple(raw.get("states") or ()),
            workshop=raw.get("workshop"),
            verdict=raw.get("verdict"),
            source=raw.get("source"),
            extra={k: v for k, v in raw.items() if k not in known},
        )


@dataclass(frozen=True, slots=True)
class JourneyCounts:
    """What the audit and the drafts say about the journey, for the funnel."""

    events: dict[str, int]  # consent, filed, declined, abandoned, restarted, expired, erased
    before_consent: int  # people at the consent question (no draft yet)
    draft_steps: dict[str, int]  # drafts in progress, by current step


_REVIEW_COLUMNS = (
    "r.application_id, r.version, r.claimed_by, c.first_name, r.claimed_at, r.decided_by, "
    "d.first_name, r.decided_at, r.decision, r.reason, r.note, r.interview_at, "
    "r.interview_place, r.interview_kind, r.slot_id"
)
_REVIEW_JOIN = (
    "FROM reviews r LEFT JOIN staff_members c ON c.id = r.claimed_by "
    "LEFT JOIN staff_members d ON d.id = r.decided_by"
)


class SlotTaken(Exception):
    """The slot had no seat left: the whole decision is rolled back."""


def _review(row: Any) -> Review:
    return Review(*row)


def like_pattern(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


class StaffStore(StoreBase):
    """Queries of the staff side: reviews, decisions, notes, cards, queue, figures."""

    # -- staff members -------------------------------------------------------------------

    def remember_staff(self, staff_id: int, first_name: str) -> None:
        self.db.execute(
            "INSERT INTO staff_members (id, first_name, seen_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name, "
            "seen_at = excluded.seen_at",
            [staff_id, first_name[:64] or "?", self._now()],
        )

    # -- reviews and decisions -----------------------------------------------------------

    def review(self, application_id: int) -> Review:
        row = self.db.execute(
            f"SELECT {_REVIEW_COLUMNS} {_REVIEW_JOIN} WHERE r.application_id = ?",
            [application_id],
        ).fetchone()
        return _review(row) if row else Review(application_id=application_id)

    def reviews(self, application_ids: list[int]) -> dict[int, Review]:
        if not application_ids:
            return {}
        marks = ", ".join("?" for _ in application_ids)
        rows = self.db.execute(
            f"SELECT {_REVIEW_COLUMNS} {_REVIEW_JOIN} WHERE r.application_id IN ({marks})",
            application_ids,
        ).fetchall()
        found = {row[0]: _review(row) for row in rows}
        return {i: found.get(i, Review(application_id=i)) for i in application_ids}

    def claim(self, application_id: int, *, staff_id: int, staff_name: str) -> bool:
        """`nouvelle` → `a_l_etude` when a staff member opens the card; True if this call did."""
        now = self._now()
        with self.db.atomic():
            self.remember_staff(staff_id, staff_name)
            cursor = self.db.execute(
                "UPDATE applications SET state = ?, updated_at = ? WHERE id = ? AND state = ?",
                [State.REVIEWING, now, application_id, State.NEW],
            )
            if cursor.rowcount != 1:
                return False
            self.db.execute(
                "INSERT INTO reviews (application_id, claimed_by, claimed_at) VALUES (?, ?, ?) "
                "ON CONFLICT(application_id) DO UPDATE SET claimed_by = excluded.claimed_by, "
                "claimed_at = excluded.claimed_at",
                [application_id, staff_id, now],
            )
            self._event(f"staff:{staff_id}", "state", application_id, State.NEW, State.REVIEWING)
        return True

    def decide(
        self,
        application_id: int,
        *,
        expected: str,
        version: int,
        new: str,
        staff_id: int,
        staff_name: str,
        reason: str | None = None,
        note: str | None = None,
        interview_at: str | None = None,
        interview_place: str | None = None,
        interview_kind: str | None = None,
        slot_id: int | None = None,
        warn_chat: int | None = None,
    ) -> bool:
        """Record a decision if the application is still in `expected` at `version`.

        One UPDATE carries both conditions, so that two processes cannot both win; the
        review, the staff name and the audit entry are written in the same transaction.
        """
        now = self._now()
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE applications SET state = ?, updated_at = ?, last_contact_at = ? "
                "WHERE id = ? AND state = ? AND coalesce("
                "(SELECT version FROM reviews WHERE application_id = ?), 0) = ?",
                [new, now, now, application_id, expected, application_id, version],
            )
            if cursor.rowcount != 1:
                return False
            self.remember_staff(staff_id, staff_name)
            self.db.execute(
                "INSERT INTO reviews (application_id, version, decided_by, decided_at, decision, "
                "reason, note, interview_at, interview_place, interview_kind, slot_id) "
                "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(application_id) DO UPDATE SET version = reviews.version + 1, "
                "decided_by = excluded.decided_by, decided_at = excluded.decided_at, "
                "decision = excluded.decision, reason = excluded.reason, note = excluded.note, "
                "interview_at = excluded.interview_at, "
                "interview_place = excluded.interview_place, "
                "interview_kind = excluded.interview_kind, slot_id = excluded.slot_id",
                [
                    application_id,
                    staff_id,
                    now,
                    new,
                    reason,
                    note,
                    interview_at,
                    interview_place,
                    interview_kind,
                    slot_id,
                ],
            )
            audit = " · ".join(
                part for part in (reason, note, interview_at, interview_place) if part
            )
            self._event(f"staff:{staff_id}", "state", application_id, expected, new, audit or None)
            # The candidate's message is owed with the decision (see outbox.py); staff are
            # warned in `warn_chat` if it cannot be delivered.
            version_now = self.db.execute(
                "SELECT version FROM reviews WHERE application_id = ?", [application_id]
            ).fetchone()[0]
            # A seat the decision makes needless is freed with it (slots' store); the
            # decision's message tells the person (decision_notice.after_decision).
            self.free_after_decision(  # type: ignore[attr-defined]
                application_id,
                new_state=new,
                interview_in_slot=slot_id is not None,
                now=self.clock(),
            )
            # Closing it (a refusal) freed every seat (a trigger): said in the same message.
            self.tell_closed(  # type: ignore[attr-defined]
                application_id, state=new, stamp=now, now=self.clock()
            )
            self.owe(  # type: ignore[attr-defined]
                "decision", application_id, warn_chat or staff_id, int(version_now)
            )
        return True

    def convene_in_slot(
        self,
        application_id: int,
        *,
        expected: str,
        version: int,
        slot_id: int,
        staff_id: int,
        staff_name: str,
        interview_at: str,
        interview_place: str | None,
        interview_kind: str,
        warn_chat: int | None = None,
    ) -> bool:
        """The decision "entretien" and the seat in the slot, both or neither."""
        with self.db.atomic():
            if not self.decide(
                application_id,
                expected=expected,
                version=version,
                new=State.INTERVIEW,
                staff_id=staff_id,
                staff_name=staff_name,
                interview_at=interview_at,
                interview_place=interview_place,
                interview_kind=interview_kind,
                slot_id=slot_id,
                warn_chat=warn_chat,
            ):
                return False
            # book_seat (slots' store) moves an earlier booking; nested, it is a savepoint.
            booked = self.book_seat(slot_id, application_id, now=self.clock())  # type: ignore[attr-defined]
            if not booked:
                raise SlotTaken
        return True

    def add_note(self, application_id: int, *, staff_id: int, staff_name: str, text: str) -> None:
        """A note is an audit entry (erased with the person, like every note)."""
        with self.db.atomic():
            self.remember_staff(staff_id, staff_name)
            self._event(f"staff:{staff_id}", "note", application_id, None, None, text)

    def notes(self, application_id: int, *, limit: int = 5) -> list[Note]:
        rows = self.db.execute(
            "SELECT e.at, m.first_name, e.note FROM events e "
            "LEFT JOIN staff_members m ON e.actor = 'staff:' || m.id "
            "WHERE e.application_id = ? AND e.action = 'note' AND e.note IS NOT NULL "
            "ORDER BY e.id DESC LIMIT ?",
            [application_id, limit],
        ).fetchall()
        return [Note(at=row[0], author=row[1], text=row[2]) for row in reversed(rows)]

    # -- card and queue messages ---------------------------------------------------------

    def remember_card(self, application_id: int, chat_id: int, message_id: int) -> None:
        with self.db.atomic():
            # Every card is remembered for erasure, beyond the last ones kept for live edits.
            if not remember_shown(self.db, chat_id, message_id, application_id, CARD, self._now()):
                return  # erased while the card was on its way: it is owed a redaction
            self.db.execute(
                "INSERT OR REPLACE INTO staff_cards (chat_id, message_id, application_id, "
                "posted_at) VALUES (?, ?, ?, ?)",
                [chat_id, message_id, application_id, self._now()],
            )
            self.db.execute(
                "DELETE FROM staff_cards WHERE application_id = ? AND rowid NOT IN ("
                "SELECT rowid FROM staff_cards WHERE application_id = ? "
                "ORDER BY posted_at DESC, rowid DESC LIMIT ?)",
                [application_id, application_id, CARDS_KEPT],
            )

    def cards(self, application_id: int) -> list[tuple[int, int]]:
        """(chat_id, message_id) of the cards showing this application."""
        rows = self.db.execute(
            "SELECT chat_id, message_id FROM staff_cards WHERE application_id = ? "
            "ORDER BY posted_at, rowid",
            [application_id],
        ).fetchall()
        return [(row[0], row[1]) for row in rows]

    def forget_card(self, chat_id: int, message_id: int) -> None:
        self.db.execute(
            "DELETE FROM staff_cards WHERE chat_id = ? AND message_id = ?", [chat_id, message_id]
        )

    def save_queue(self, chat_id: int, message_id: int, filters: QueueFilter) -> None:
        self.db.execute(
            "INSERT INTO staff_queues (chat_id, message_id, filters, created_at) "
            "VALUES (?, ?, ?, ?) ON CONFLICT(chat_id, message_id) DO UPDATE SET "
            "filters = excluded.filters",
            [chat_id, message_id, filters.to_json(), self._now()],
        )

    def saved_queue(self, chat_id: int, message_id: int) -> QueueFilter | None:
        row = self.db.execute(
            "SELECT filters FROM staff_queues WHERE chat_id = ? AND message_id = ?",
            [chat_id, message_id],
        ).fetchone()
        return QueueFilter.from_json(row[0]) if row else None

    # -- finding applications ------------------------------------------------------------
