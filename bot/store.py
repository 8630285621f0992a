"""The SQLite store: the only module that speaks SQL (through sqlite-utils).

One connection per process, WAL, `synchronous=FULL` so that an application the bot said it
received is on disk, `secure_delete` so that erased data does not linger in free pages.
The schema grows by small numbered migrations (sqlite-utils' `Migrations`), applied at start.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

MIGRATION_SET = "tremplin"
migrations = Migrations(MIGRATION_SET)

# States an application can be in after filing; `brouillon` is the journey in progress.
ACTIVE_STATES = ("brouillon", "nouvelle", "a_l_etude", "entretien", "en_attente", "acceptee")


class StoreError(RuntimeError):
    """The database cannot be opened or written (bad path, read-only file, full disk)."""


class NotFoundError(LookupError):
    """A row that the caller expected does not exist."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


# --- migrations: append only, never edit one that has shipped --------------------------------


@migrations(name="0001_users_conversations_applications_events")
def _m0001(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE users (
            id INTEGER PRIMARY KEY,          -- Telegram user id
            created_at TEXT NOT NULL,
            blocked_at TEXT                  -- set when Telegram says the user blocked the bot
        )"""
    )
    db.execute(
        """
        CREATE TABLE applications (
            id INTEGER PRIMARY KEY,
            user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
            reference TEXT UNIQUE,           -- IS-2026-0001, given when filed
            state TEXT NOT NULL DEFAULT 'brouillon',
            answers TEXT NOT NULL DEFAULT '{}',
            criteria TEXT NOT NULL DEFAULT '{}',
            verdict TEXT,
            workshops TEXT NOT NULL DEFAULT '[]',
            first_name TEXT,
            last_name TEXT,
            phone TEXT,
            email TEXT,
            source TEXT,                     -- referrer code, when any
            consent_at TEXT,
            sensitive_consent_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            filed_at TEXT,
            last_contact_at TEXT NOT NULL
        )"""
    )
    # One application in progress or alive per person: a second /start finds it.
    db.execute(
        "CREATE UNIQUE INDEX applications_one_active ON applications(user_id) "
        f"WHERE state IN ({', '.join(repr(s) for s in ACTIVE_STATES)})"
    )
    db.execute("CREATE INDEX applications_state_filed ON applications(state, filed_at)")
    db.execute(
        """
        CREATE TABLE conversations (
            user_id INTEGER PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
            step TEXT NOT NULL,
            history TEXT NOT NULL DEFAULT '[]',
            application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
            source TEXT,                     -- referrer code from /start, until the draft exists
            return_to TEXT,                  -- 'summary' while a part is being modified
            updated_at TEXT NOT NULL,
            nudged_at TEXT
        )"""
    )
    db.execute(
        """
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            at TEXT NOT NULL,
            actor TEXT,                      -- 'candidate', 'staff:<id>', 'system'; never a name
            action TEXT NOT NULL,
            application_id INTEGER REFERENCES applications(id) ON DELETE SET NULL,
            from_state TEXT,
            to_state TEXT,
            note TEXT
        )"""
    )
    db.execute("CREATE INDEX events_application ON events(application_id)")
    db.execute(
        """
        CREATE TABLE counters (
            name TEXT PRIMARY KEY,           -- e.g. 'reference-2026': numbers are never reused
            value INTEGER NOT NULL
        )"""
    )


# --- rows as small typed objects ------------------------------------------------------------


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
class Application:
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

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Application:
        values = dict(row)
        values["answers"] = json.loads(values["answers"])
        values["criteria"] = json.loads(values["criteria"])
        values["workshops"] = json.loads(values["workshops"])
        return cls(**values)


class Store:
    """All reads and writes of the bot's data. Methods are small and each is one transaction."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock

    # -- opening -------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | str, *, clock: Callable[[], datetime] = utcnow) -> Store:
        """Open (creating if needed) the database file and bring its schema up to date."""
        path = Path(path)
        try:
            if str(path) != ":memory:":
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
            db = Database(conn)
            store = cls(db, clock=clock)
            store._configure()
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")
        except (OSError, sqlite3.Error) as error:
            raise StoreError(f"cannot open the database {str(path)!r}: {error}") from error
        return store

    def _configure(self) -> None:
        for pragma in (
            "PRAGMA journal_mode = WAL",
            "PRAGMA synchronous = FULL",
            "PRAGMA foreign_keys = ON",
            "PRAGMA busy_timeout = 5000",
            "PRAGMA secure_delete = ON",
        ):
            self.db.execute(pragma).fetchall()
        # A read-only file opens fine; find out now rather than at the first candidate's answer.
        self.db.execute("CREATE TABLE IF NOT EXISTS _write_probe (x)")
        self.db.execute("DROP TABLE _write_probe")

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def applied_migrations(self) -> list[str]:
        return [migration.name for migration in migrations.applied(self.db)]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def _now(self) -> str:
        return _iso(self.clock())

    # -- users ---------------------------------------------------------------------------

    def ensure_user(self, user_id: int) -> None:
        self.db.execute(
            "INSERT INTO users (id, created_at) VALUES (?, ?) ON CONFLICT(id) DO NOTHING",
            [user_id, self._now()],
        )

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
        conversation.updated_at = now
        with self.db.atomic():
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
                self.db.execute(
                    "UPDATE applications SET answers = ?, updated_at = ?, last_contact_at = ? "
                    "WHERE id = ? AND state = 'brouillon'",
                    [
                        json.dumps(answers, ensure_ascii=False),
                        now,
                        now,
                        conversation.application_id,
                    ],
                )

    def delete_conversation(self, user_id: int) -> None:
        self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])

    # -- applications --------------------------------------------------------------------

    def application(self, application_id: int) -> Application:
        row = next(self.db.query("SELECT * FROM applications WHERE id = ?", [application_id]), None)
        if row is None:
            raise NotFoundError(f"application {application_id}")
        return Application.from_row(row)

    def active_application(self, user_id: int) -> Application | None:
        placeholders = ", ".join("?" for _ in ACTIVE_STATES)
        row = next(
            self.db.query(
                f"SELECT * FROM applications WHERE user_id = ? AND state IN ({placeholders})",
                [user_id, *ACTIVE_STATES],
            ),
            None,
        )
        return Application.from_row(row) if row else None

    def applications_of(self, user_id: int) -> list[Application]:
        return [
            Application.from_row(row)
            for row in self.db.query(
                "SELECT * FROM applications WHERE user_id = ? ORDER BY id", [user_id]
            )
        ]

    def start_draft(
        self, user_id: int, *, source: str | None, sensitive: bool = False
    ) -> Application:
        """Open the person's draft (state `brouillon`) when they give their consent."""
        now = self._now()
        with self.db.atomic():
            self.ensure_user(user_id)
            existing = self.active_application(user_id)
            if existing is not None:
                return existing
            cursor = self.db.execute(
                "INSERT INTO applications (user_id, state, source, consent_at, created_at, "
                "updated_at, last_contact_at) VALUES (?, 'brouillon', ?, ?, ?, ?, ?)",
                [user_id, source, now, now, now, now],
            )
            application_id = int(cursor.lastrowid or 0)
            self._event("candidate", "consent", application_id, None, "brouillon")
        return self.application(application_id)

    def set_sensitive_consent(self, application_id: int, given: bool) -> None:
        self.db.execute(
            "UPDATE applications SET sensitive_consent_at = ? WHERE id = ?",
            [self._now() if given else None, application_id],
        )

    def file_application(
        self, application_id: int, *, fields: dict[str, Any]
    ) -> tuple[Application, bool]:
        """Turn a draft into a filed application (`nouvelle`) with a fresh reference.

        A compare-and-set on the state makes a double tap on "Envoyer" file exactly once:
        the second call finds the application already filed and returns `(it, False)`.
        """
        now = self.clock()
        with self.db.atomic():
            current = self.application(application_id)
            if current.state != "brouillon":
                return current, False
            reference = self._next_reference(now.year)
            columns = {
                "answers": json.dumps(fields["answers"], ensure_ascii=False),
                "criteria": json.dumps(fields["criteria"], ensure_ascii=False),
                "verdict": fields["verdict"],
                "workshops": json.dumps(fields["workshops"], ensure_ascii=False),
                "first_name": fields.get("first_name"),
                "last_name": fields.get("last_name"),
                "phone": fields.get("phone"),
                "email": fields.get("email"),
            }
            assignments = ", ".join(f"[{name}] = ?" for name in columns)
            cursor = self.db.execute(
                f"UPDATE applications SET {assignments}, state = 'nouvelle', reference = ?, "
                "filed_at = ?, updated_at = ?, last_contact_at = ? "
                "WHERE id = ? AND state = 'brouillon'",
                [*columns.values(), reference, _iso(now), _iso(now), _iso(now), application_id],
            )
            if cursor.rowcount != 1:
                return self.application(application_id), False
            self._event("candidate", "filed", application_id, "brouillon", "nouvelle")
            # The journey ends with the filing, in the same transaction: no half state.
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [current.user_id])
        return self.application(application_id), True

    def _next_reference(self, year: int) -> str:
        name = f"reference-{year}"
        self.db.execute(
            "INSERT INTO counters (name, value) VALUES (?, 1) "
            "ON CONFLICT(name) DO UPDATE SET value = value + 1",
            [name],
        )
        value = self.db.execute("SELECT value FROM counters WHERE name = ?", [name]).fetchone()[0]
        return f"IS-{year}-{value:04d}"

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
        return True

    def abandon_draft(self, user_id: int, *, action: str = "abandoned") -> None:
        """End a journey without filing: the draft and the conversation go, an anonymous
        trace stays in the audit."""
        with self.db.atomic():
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])
            cursor = self.db.execute(
                "DELETE FROM applications WHERE user_id = ? AND state = 'brouillon'", [user_id]
            )
            if cursor.rowcount:
                self._event("candidate", action, None, "brouillon", None)

    def stale_conversations(self, *, older_than: datetime) -> list[Conversation]:
        rows = self.db.execute(
            "SELECT user_id FROM conversations WHERE updated_at < ? ORDER BY updated_at",
            [_iso(older_than)],
        ).fetchall()
        return [c for c in (self.conversation(row[0]) for row in rows) if c is not None]

    def mark_nudged(self, user_id: int) -> None:
        self.db.execute(
            "UPDATE conversations SET nudged_at = ? WHERE user_id = ?", [self._now(), user_id]
        )

    # -- rights of the person --------------------------------------------------------------

    def export_user(self, user_id: int) -> dict[str, Any]:
        """Everything kept about one person, for /mesdonnees."""
        user = next(self.db.query("SELECT * FROM users WHERE id = ?", [user_id]), None)
        conversation = self.conversation(user_id)
        return {
            "utilisateur": user,
            "conversation": None
            if conversation is None
            else {"etape": conversation.step, "mis_a_jour": conversation.updated_at},
            "candidatures": [
                {
                    **{k: v for k, v in vars_of(app).items() if k not in ("id", "user_id")},
                    "historique": list(
                        self.db.query(
                            "SELECT at, action, from_state, to_state FROM events "
                            "WHERE application_id = ? ORDER BY id",
                            [app.id],
                        )
                    ),
                }
                for app in self.applications_of(user_id)
            ],
        }

    def erase_user(self, user_id: int) -> int:
        """Erase a person: applications, answers, conversation. The audit keeps an anonymous
        trace (action and dates, no note, no link to the person). Returns how many applications
        were erased."""
        with self.db.atomic():
            ids = [
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM applications WHERE user_id = ?", [user_id]
                ).fetchall()
            ]
            for application_id in ids:
                self.db.execute(
                    "UPDATE events SET note = NULL, application_id = NULL WHERE application_id = ?",
                    [application_id],
                )
            self.db.execute("DELETE FROM conversations WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM applications WHERE user_id = ?", [user_id])
            self.db.execute("DELETE FROM users WHERE id = ?", [user_id])
            self._event("candidate", "erased", None, None, None)
        return len(ids)

    # -- audit ---------------------------------------------------------------------------

    def _event(
        self,
        actor: str,
        action: str,
        application_id: int | None,
        from_state: str | None,
        to_state: str | None,
        note: str | None = None,
    ) -> None:
        self.db.execute(
            "INSERT INTO events (at, actor, action, application_id, from_state, to_state, note) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [self._now(), actor, action, application_id, from_state, to_state, note],
        )

    def log_event(self, actor: str, action: str, application_id: int | None = None) -> None:
        self._event(actor, action, application_id, None, None)

    def events(self, application_id: int | None = None) -> list[dict[str, Any]]:
        if application_id is None:
            return list(self.db.query("SELECT * FROM events ORDER BY id"))
        return list(
            self.db.query(
                "SELECT * FROM events WHERE application_id = ? ORDER BY id", [application_id]
            )
        )

    def integrity_check(self) -> str:
        return str(self.db.execute("PRAGMA integrity_check").fetchone()[0])


def vars_of(application: Application) -> dict[str, Any]:
    return {name: getattr(application, name) for name in Application.__dataclass_fields__}
