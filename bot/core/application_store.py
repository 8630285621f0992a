"""Candidates: users, where each one is in the journey, applications and their rights."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.core.ledger import WITHDRAWN
from bot.core.states import ACTIVE, State, sql_in
from bot.core.store import NotFoundError, StoreBase, iso

# `state IN ('brouillon', …)` in full: the text of the partial index `applications_one_active`.
_ACTIVE_SQL = sql_in("state", ACTIVE)
_DRAFT_SQL = sql_in("state", State.DRAFT)


@dataclass(slots=True)
class Conversation:
    user_id: int
    step: str
    history: list[str] = field(default_factory=list)
    application_id: int | None = None
    source: str | None = None
    return_to: str | None = None
    updated_at: str = ""
    nudged_at: str | None = None


@dataclass(slots=True)
class CandidateApplication:
    id: int
    user_id: int
    reference: str | None
    state: str
    answers: dict[str, Any]
    criteria: dict[str, str]
    verdict: str | None
    workshops: list[str]
    first_name: str | None
    last_name: str | None
    phone: str | None
    email: str | None
    source: str | None
    consent_at: str | None
    sensitive_consent_at: str | None
    created_at: str
    updated_at: str
    filed_at: str | None
    last_contact_at: str
    latin_name: str | None = None  # the name in Latin letters (migration 0016)

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> CandidateApplication:
        values = dict(row)
        values["answers"] = json.loads(values["answers"])
        values["criteria"] = json.loads(values["criteria"])
        values["workshops"] = json.loads(values["workshops"])
        return cls(**values)


class CandidateStore(StoreBase):
    """Users, conversations, applications, and the person's rights (access, erasure)."""

    if TYPE_CHECKING:
        # ReliabilityStore's, which the combined `bot.store.Store` also inherits (a signature
        # for the type checker only: nothing is defined here at run time).
        def checkpoint(self) -> None: ...

    # -- users ---------------------------------------------------------------------------

    def ensure_user(self, user_id: int) -> None:
        self.db.execute(
            "INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
            [user_id, self._now()],
        )

    def language_of(self, user_id: int) -> str | None:
        """The language the person reads, None before they have one (then: French)."""

        def read() -> str | None:
            row = self.db.execute("SELECT language FROM users WHERE id = ?", [user_id]).fetchone()
            return row[0] if row else None

        language: str | None = self.remembered("language", user_id, read)
        return language

    def set_language(self, user_id: int, language: str) -> None:
        # A preference, like a draft's answers: no wait for the disk (see draft_transaction).
        with self.draft_transaction():
            self.ensure_user(user_id)
            self.db.execute("UPDATE users SET language = ? WHERE id = ?", [language, user_id])
        self.forget("language", user_id)

    # -- conversations -------------------------------------------------------------------

    def conversation(self, user_id: int) -> Conversation | None:
        row = self.db.execute(
            "SELECT user_id, step, history, application_id, source, return_to, "
            "updated_at, nudged_at FROM conversations WHERE user_id = ?",
            [user_id],
        ).fetchone()
        if row is None:
            return None
        return Conversation(
            user_id=row[0],
            step=row[1],
            history=json.loads(row[2]),
            application_id=row[3],
            source=row[4],
            return_to=row[5],
            updated_at=row[6],
            nudged_at=row[7],
        )

    def save_conversation(
        self, conversation: Conversation, *, answers: dict[str, Any] | None = None
    ) -> None:
        """Save where the person is, and the draft's answers, in one transaction."""
        now = self._now()
        before = conversation.updated_at  # saved before: then its user exists (foreign key)
        conversation.updated_at = now
        with self.draft_transaction():
            self.stamp_update()
            if not before:
                self.ensure_user(conversation.user_id)
            self.db.execute(
                "INSERT INTO conversations (user_id, step, history, application_id, source, "
                "return_to, updated_at, nudged_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT(user_id) DO UPDATE SET step = excluded.step, "
                "history = excluded.history, application_id = excluded.application_id, "
                "source = excluded.source, "
                "return_to = excluded.return_to, "
                "updated_at = excluded.updated_at, nudged_at = excluded.nudged_at",
                [
                    conversation.user_id,
                    conversation.step,
                    json.dumps(conversation.history),
                    conversation.application_id,
                    conversation.source,
                    conversation.return_to,
                    now,
                    conversation.nudged_at,
                ],
            )
            if answers is not None and conversation.application_id is not None:
                # The retention clock (`last_contact_at`, indexed) moves once a day, not at
                # every answer: rewriting its index at each step cost a tenth of each commit.
                contact = "" if before[:10] == now[:10] else ", last_contact_at = :now"
                self.db.execute(
                    f"UPDATE applications SET answers = :answers, updated_at = :now{contact} "
                    f"WHERE id = :id AND {_DRAFT_SQL}",
                    {
                        "answers": json.dumps(answers, ensure_ascii=False),
                        "now": now,
                        "id": conversation.application_id,
                    },
                )

    def delete_conversation(self, user_id: int) -> None:
        self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])

    # -- applications --------------------------------------------------------------------

    def application(self, application_id: int) -> CandidateApplication:
        row = next(self.db.query("SELECT * FROM applications WHERE id = ?", [application_id]), None)
        if row is None:
            raise NotFoundError(f"application {application_id}")
        return CandidateApplication.from_row(row)

    def draft_answers(self, application_id: int) -> dict[str, Any]:
        """The answers alone (read at every step of the journey: no need for the rest)."""
        row = self.db.execute(
            "SELECT answers FROM applications WHERE id = ?", [application_id]
        ).fetchone()
        if row is None:
            raise NotFoundError(f"application {application_id}")
        return dict(json.loads(row[0]))

    def active_application(self, user_id: int) -> CandidateApplication | None:
        # The states written out, as in the partial index `applications_one_active`: with
        # bound parameters SQLite cannot tell that the index applies.
        row = next(
            self.db.query(
                f"SELECT * FROM applications WHERE user_id = ? AND {_ACTIVE_SQL}", [user_id]
            ),
            None,
        )
        return CandidateApplication.from_row(row) if row else None

    def applications_of(self, user_id: int) -> list[CandidateApplication]:
        return [
            CandidateApplication.from_row(row)
            for row in self.db.query(
                "SELECT * FROM applications WHERE user_id = ? ORDER BY id", [user_id]
            )
        ]

    def start_draft(
        self, user_id: int, *, source: str | None, sensitive: bool = False
    ) -> CandidateApplication:
        """Open the person's draft (state `brouillon`) when they give their consent."""
        now = self._now()
        with self.draft_transaction():  # a draft: made durable by the filing's commit
            self.ensure_user(user_id)
            existing = self.active_application(user_id)
            if existing is not None:
                return existing
            cursor = self.db.execute(
                "INSERT INTO applications (user_id, state, source, consent_at, created_at, "
                "updated_at, last_contact_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [user_id, State.DRAFT, source, now, now, now, now],
            )
            application_id = int(cursor.lastrowid or 0)
            self._event("candidate", "consent", application_id, None, State.DRAFT)
        return self.application(application_id)

    def set_sensitive_consent(self, application_id: int, given: bool) -> None:
        with self.draft_transaction():  # asked during the journey, before anything is filed
            self.db.execute(
                "UPDATE applications SET sensitive_consent_at = ? WHERE id = ?",
                [self._now() if given else None, application_id],
            )

    def file_application(
        self,
        application_id: int,
        *,
        fields: dict[str, Any],
        owed: Sequence[tuple[str, int]] = (),
        reference_prefix: str = "IS",
    ) -> tuple[CandidateApplication, bool]:
        """Turn a draft into a filed application (`nouvelle`) with a fresh reference
        (`IS-2026-0001`: the prefix is structure.toml's `reference_prefix`).

        A compare-and-set on the state makes a double tap on "Envoyer" file exactly once:
        the second call finds the application already filed and returns `(it, False)`.
        """
        now = self.clock()
        with self.db.atomic():
            self.stamp_update()
            current = self.application(application_id)
            if current.state != State.DRAFT:
                return current, False
            reference = self._next_reference(reference_prefix, now.year)
            columns = {
                "answers": json.dumps(fields["answers"], ensure_ascii=False),
                "criteria": json.dumps(fields["criteria"], ensure_ascii=False),
                "verdict": fields["verdict"],
                "workshops": json.dumps(fields["workshops"], ensure_ascii=False),
                "first_name": fields.get("first_name"),
                "last_name": fields.get("last_name"),
                "phone": fields.get("phone"),
                "email": fields.get("email"),
                "latin_name": fields.get("latin_name"),
            }
            assignments = ", ".join(f"[{name}] = ?" for name in columns)
            cursor = self.db.execute(
                f"UPDATE applications SET {assignments}, state = ?, reference = ?, "
                "filed_at = ?, updated_at = ?, last_contact_at = ? "
                f"WHERE id = ? AND {_DRAFT_SQL}",
                [
                    *columns.values(),
                    State.NEW,
                    reference,
                    iso(now),
                    iso(now),
                    iso(now),
                    application_id,
                ],
            )
            if cursor.rowcount != 1:
                return self.application(application_id), False
            self._event("candidate", "filed", application_id, State.DRAFT, State.NEW)
            # The messages the filing owes (kind, chat), committed with it: see outbox.py.
            for kind, chat_id in owed:
                self.owe(kind, application_id, chat_id)  # type: ignore[attr-defined]
            # The journey ends with the filing, in the same transaction: no half state.
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [current.user_id])
        return self.application(application_id), True

    def _next_reference(self, prefix: str, year: int) -> str:
        # One count a year whatever the prefix: a new prefix never gives a number twice.
        name = f"reference-{year}"
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1",
            [name],
        )
        value = self.db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()[0]
        return f"{prefix}-{year}-{value:04d}"

    def change_state(
        self, application_id: int, *, expected: str, new: str, actor: str, note: str | None = None
    ) -> bool:
        """Compare-and-set of an application's state; True when this call made the change."""
        now = self._now()
        with self.db.atomic():
            cursor = self.db.execute(
                "UPDATE applications SET state = ?, updated_at = ?, last_contact_at = ? "
                "WHERE id = ? AND state = ?",
                [new, now, now, application_id, expected],
            )
            if cursor.rowcount != 1:
                return False
            self._event(actor, "state", application_id, expected, new, note)
            if new == State.CANCELLED and actor == "candidate" and self.ledger is not None:
                # A restore of an older backup must withdraw it again (bot/core/ledger.py).
                reference = self.application(application_id).reference
                if reference:
                    self.ledger.record(self.clock(), [(WITHDRAWN, reference)])
        return True

    def abandon_draft(self, user_id: int, *, action: str = "abandoned") -> None:
        """End a journey without filing: the draft and the conversation go, an anonymous
        trace stays in the audit."""
        with self.db.atomic():
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])
            cursor = self.db.execute(
                f"DELETE FROM applications WHERE user_id = ? AND {_DRAFT_SQL}", [user_id]
            )
            if cursor.rowcount or action == "declined_consent":
                # Anonymous: the funnel counts those who said "Non merci", even at consent.
                self._event(
                    "candidate", action, None, State.DRAFT if cursor.rowcount else None, None
                )
            # Nothing of a person who leaves without an application: not even her id.
            self.db.execute(
                "DELETE FROM users WHERE id = ? AND id NOT IN (SELECT user_id FROM applications)",
                [user_id],
            )
        self.forget_people()

    def stale_conversations(self, *, older_than: datetime) -> list[Conversation]:
        rows = self.db.execute(
            "SELECT user_id FROM conversations WHERE updated_at < ? ORDER BY updated_at",
            [iso(older_than)],
        ).fetchall()
        return [c for c in (self.conversation(row[0]) for row in rows) if c is not None]

    def mark_nudged(self, user_id: int) -> None:
        self.db.execute(
            "UPDATE conversations SET nudged_at = ? WHERE user_id = ?", [self._now(), user_id]
        )

    # -- rights of the person --------------------------------------------------------------


def vars_of(application: CandidateApplication) -> dict[str, Any]:
    return {name: getattr(application, name) for name in CandidateApplication.__dataclass_fields__}
