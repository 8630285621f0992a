"""The store's core: opening the file, pragmas, migrations, transactions and the audit trail.

One connection per process, WAL, `synchronous=FULL` so that an application the bot said it
received is on disk (a draft's answers skip the fsync: see `draft_transaction`),
`secure_delete` so that erased data does not linger in free pages.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ClassVar, Self

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from bot.core.backup import (
    BEFORE_MIGRATION,
    BackupError,
    BackupPlan,
    make_private_folder,
    write_backup,
)
from bot.core.ledger import Ledger

# How many processed update ids are remembered to skip a redelivered one.
PROCESSED_UPDATES_KEPT = 1000

# The update being processed, and whether its id is already recorded (see polling.py): per
# task, since updates of different chats are processed side by side (bot/core/processor.py).
_CURRENT_UPDATE: ContextVar[list[int | bool] | None] = ContextVar("current_update", default=None)


class StoreError(RuntimeError):
    """The database cannot be opened or written (bad path, read-only file, full disk)."""


class NotFoundError(LookupError):
    """A row that the caller expected does not exist."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def iso(moment: datetime) -> str:
    """Timestamps are stored as ISO 8601 text in UTC: they sort and compare as text."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


class StoreBase:
    """Opening, configuration, transactions, audit. Feature mixins add the queries."""

    def __init__(self, db: Database, *, clock: Callable[[], datetime] = utcnow) -> None:
        self.db = db
        self.clock = clock
        self.path: Path | None = None  # the file, when opened with `open`
        # Where erasures and withdrawals are also recorded, for a restore (bot/core/ledger.py).
        self.ledger: Ledger | None = None
        # (device, inode) of the file when opened: the bot stops if the path changes.
        self.file_identity: tuple[int, int] | None = None
        self._last_update: int | None = None
        self._processed: set[int] | None = None
        self._stamped = 0
        self._blocked: set[int] | None = None
        # What is read about a person at every update (her language…), kept in memory:
        # dropped when it changes, and all of it whenever people are deleted.
        self._per_person: dict[str, dict[int, Any]] = {}

    # -- per-person values kept in memory ------------------------------------------------

    def remembered(self, name: str, user_id: int, read: Callable[[], Any]) -> Any:
        values = self._per_person.setdefault(name, {})
        if user_id not in values:
            values[user_id] = read()
        return values[user_id]

    def forget(self, name: str, user_id: int) -> None:
        self._per_person.get(name, {}).pop(user_id, None)

    def forget_people(self) -> None:
        """After people are deleted (erasure, a draft abandoned, a purge)."""
        self._per_person.clear()

    # -- the update being processed ------------------------------------------------------

    def begin_update(self, update_id: int) -> None:
        _CURRENT_UPDATE.set([update_id, False])

    def stamp_update(self) -> None:
        """Inside a transaction: record the current update as processed, atomically with the
        change it causes, so that a redelivered update changes nothing."""
        current = _CURRENT_UPDATE.get()
        if current is None or current[1]:
            return
        update_id = int(current[0])
        # One row in one table: each page a step's commit writes costs (bench/).
        self.db.execute(
            "INSERT OR IGNORE INTO processed_updates (update_id) VALUES (?)", [update_id]
        )
        current[1] = True
        self._last_update = max(self._last_update or 0, update_id)

    @contextmanager
    def draft_transaction(self) -> Iterator[None]:
        """A transaction for a journey's draft: committed without waiting for the disk.

        In WAL mode a `synchronous=NORMAL` commit survives a crash of the process (the data
        is with the OS) but not a power cut; the next `FULL` commit — a filing, a decision,
        an erasure: everything the bot tells someone is done — syncs it too. So the answer
        of every step costs no fsync, and an application said to be received is on disk.
        """
        if self.db.conn.in_transaction:  # part of a larger (durable) transaction
            with self.db.atomic():
                yield
            return
        with self.without_fsync(), self.db.atomic():
            yield

    @contextmanager
    def without_fsync(self) -> Iterator[None]:
        """Around a whole transaction (SQLite refuses the change inside one): its commit
        skips the fsync, as a draft's does (see `draft_transaction`)."""
        self.db.conn.execute("PRAGMA synchronous = NORMAL")
        try:
            yield
        finally:
            self.db.conn.execute("PRAGMA synchronous = FULL")

    def end_update(self) -> None:
        state = _CURRENT_UPDATE.get()
        if state is None:
            return
        try:
            if not state[1]:
                with self.draft_transaction():
                    self.stamp_update()
        finally:
            _CURRENT_UPDATE.set(None)
        # Only now is it on disk (a failed transaction above raised before this line).
        current = int(state[0])
        self._last_update = current
        self.processed_updates().add(current)
        self._stamped += 1
        if self._stamped % PROCESSED_UPDATES_KEPT == 0:
            self._forget_old_updates()

    def processed_updates(self) -> set[int]:
        """The ids of the last updates processed (kept in memory: checked on every update)."""
        if self._processed is None:
            self._processed = {
                row[0]
                for row in self.db.execute(
                    "SELECT update_id FROM processed_updates ORDER BY rowid DESC LIMIT ?",
                    [PROCESSED_UPDATES_KEPT],
                ).fetchall()
            }
        return self._processed

    def was_processed(self, update_id: int) -> bool:
        return update_id in self.processed_updates()

    def _forget_old_updates(self) -> None:
        """Keep the last ids only: a redelivery never comes from further back."""
        self.db.execute(
            "DELETE FROM processed_updates WHERE rowid <= "
            "(SELECT max(rowid) FROM processed_updates) - ?",
            [PROCESSED_UPDATES_KEPT],
        )
        self._processed = None

    def last_update_id(self) -> int:
        """The last update processed (the last recorded, not the highest: Telegram may
        restart its ids lower)."""
        if self._last_update is None:
            row = self.db.execute(
                "SELECT update_id FROM processed_updates ORDER BY rowid DESC LIMIT 1"
            ).fetchone()
            self._last_update = int(row[0]) if row else 0
        return self._last_update

    # The schema (every feature's tables, in order): set by `bot.store.Store`, so that this
    # base, which every feature's store imports, imports none of them.
    migrations: ClassVar[Migrations | None] = None

    @classmethod
    def open(
        cls,
        path: Path | str,
        *,
        clock: Callable[[], datetime] = utcnow,
        backups: BackupPlan | None = None,
    ) -> Self:
        """Open (creating if needed) the database file and bring its schema up to date.

        The folder is created 0700 and the files are 0600. Before a migration changes an
        existing schema, a backup is written to `backups` (default: `backups/` beside the
        file); if it cannot be written, nothing is migrated."""
        migrations = cls.migrations
        if migrations is None:
            raise TypeError("open the whole store: bot.store.Store.open(path)")
        path = Path(path)
        on_disk = str(path) != ":memory:"
        try:
            if on_disk:
                make_private_folder(path.parent)
            conn = sqlite3.connect(str(path), timeout=5.0, check_same_thread=False)
            db = Database(conn)
            store = cls(db, clock=clock)
            store.path = path
            store._configure()
            if on_disk:
                store._make_private()
                store.ledger = Ledger(path)
                stat = os.stat(path)
                store.file_identity = (stat.st_dev, stat.st_ino)
                if migrations.applied(db) and migrations.pending(db):
                    plan = backups or BackupPlan(path.parent / "backups")
                    write_backup(conn, plan, taken_at=clock(), label=BEFORE_MIGRATION)
            migrations.apply(db)
            db.execute(f"PRAGMA user_version = {len(migrations.applied(db))}")
        except (OSError, sqlite3.Error, BackupError) as error:
            raise StoreError(f"cannot open the database {str(path)!r}: {error}") from error
        return store

    def _make_private(self) -> None:
        """The file, its WAL and shared memory: readable by the bot's user only."""
        assert self.path is not None
        for suffix in ("", "-wal", "-shm"):
            candidate = self.path.with_name(self.path.name + suffix)
            if candidate.exists():
                os.chmod(candidate, 0o600)

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
        self.db.execute("DROP TABLE IF EXISTS _write_probe")  # another process may race us

    def reader(self):  # type: ignore[no-untyped-def]
        """Another, read-only connection to the same file, for long reads in a thread (an
        export) while the bot goes on writing: WAL lets them run side by side."""
        if self.path is None or str(self.path) == ":memory:":
            return self
        conn = sqlite3.connect(
            f"file:{self.path}?mode=ro", uri=True, timeout=5.0, check_same_thread=False
        )
        return type(self)(Database(conn), clock=self.clock)

    def close(self) -> None:
        self.db.close()

    @property
    def schema_version(self) -> int:
        return int(self.db.execute("PRAGMA user_version").fetchone()[0])

    def applied_migrations(self) -> list[str]:
        assert self.migrations is not None
        return [migration.name for migration in self.migrations.applied(self.db)]

    @contextmanager
    def immediate_transaction(self, *, durable: bool = True) -> Iterator[None]:
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

    @contextmanager
    def transaction(self) -> Iterator[None]:
        with self.db.atomic():
            yield

    def _now(self) -> str:
        return iso(self.clock())

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
