"""Reliability and privacy: processed updates, blocked users, groups told once, retention.

Telegram redelivers every update that was not acknowledged; `last_update_id` records the
last one fully processed, written in the same transaction as the journey's answer when
there is one, so that processing an update twice changes nothing.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from bot.core.mentions import EXPIRED, owe_redactions
from bot.core.store import StoreBase, iso


def migrate(db: Database) -> None:
    """0005: the bot's own state (last processed update), groups already told."""
    db.execute(
        """
        CREATE TABLE bot_state (
            key TEXT PRIMARY KEY,
            value INTEGER NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE group_notices (
            chat_id INTEGER PRIMARY KEY,     -- a group told once that candidates write privately
            at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX applications_last_contact ON applications(last_contact_at)")


def migrate_processed_updates(db: Database) -> None:
    """0007: the ids of the last processed updates (Telegram may restart its ids lower)."""
    db.execute("CREATE TABLE processed_updates (update_id INTEGER PRIMARY KEY)")
    db.execute(
        "INSERT OR IGNORE INTO processed_updates (update_id) "
        "SELECT value FROM bot_state WHERE key = 'last_update_id'"
    )


def migrate_inbox(db: Database) -> None:
    """0018: updates fetched from Telegram and not finished yet, kept before they are
    acknowledged (bot/core/polling.py): Telegram then sends only news, and a restart
    processes what a crash interrupted."""
    db.execute(
        """
        CREATE TABLE inbox (
            update_id INTEGER PRIMARY KEY,
            body TEXT NOT NULL               -- the update's JSON, as Telegram sent it
        )"""
    )


class ReliabilityStore(StoreBase):
    """Processed updates, blocked users, group notices, retention and backups."""

    # -- updates -------------------------------------------------------------------------

    def keep_updates(self, fetched: list[tuple[int, str]], finished: list[int]) -> None:
        """Fetched updates on disk (synced: once acknowledged, Telegram never sends them
        again), and those finished since the last call deleted, in one transaction."""
        with self.transaction():
            if finished:
                self.db.conn.executemany(
                    "DELETE FROM inbox WHERE update_id = ?", [(i,) for i in finished]
                )
            if fetched:
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO inbox (update_id, body) VALUES (?, ?)", fetched
                )

    def keep_update(self, update_id: int, body: str) -> None:
        """One update on disk (synced) before Telegram is told it arrived (the webhook)."""
        self.keep_updates([(update_id, body)], [])

    def update_finished(self, update_id: int) -> None:
        """Out of the inbox, without waiting for the disk: if the deletion is lost, the
        update is read again at start and skipped as processed."""
        with self.draft_transaction():
            self.db.execute("DELETE FROM inbox WHERE update_id = ?", [update_id])

    def unfinished_updates(self) -> list[str]:
        """The inbox: updates a previous run fetched and did not finish, in arrival order."""
        return [row[0] for row in self.db.execute("SELECT body FROM inbox ORDER BY update_id")]

    # -- blocked users -------------------------------------------------------------------

    def blocked_users(self) -> set[int]:
        """Users who blocked the bot (kept in memory: checked on every update)."""
        if self._blocked is None:
            self._blocked = {
                row[0]
                for row in self.db.execute(
                    "SELECT id FROM users WHERE blocked_at IS NOT NULL"
                ).fetchall()
            }
        return self._blocked

    def mark_blocked(self, user_id: int) -> None:
        """Telegram said the user blocked the bot: stop sending them anything."""
        self.db.execute(
            "INSERT INTO users (id, created_at, blocked_at) VALUES (?, ?, ?) "
            "ON CONFLICT(id) DO UPDATE SET blocked_at = excluded.blocked_at",
            [user_id, self._now(), self._now()],
        )
        self.blocked_users().add(user_id)

    def clear_blocked(self, user_id: int) -> None:
        self.db.execute("UPDATE users SET blocked_at = NULL WHERE id = ?", [user_id])
        self.blocked_users().discard(user_id)

    def is_blocked(self, user_id: int) -> bool:
        return user_id in self.blocked_users()

    # -- groups --------------------------------------------------------------------------

    def first_group_notice(self, chat_id: int) -> bool:
        """True the first time only: a group is told once that the journey is private."""
        cursor = self.db.execute(
            "INSERT INTO group_notices (chat_id, at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [chat_id, self._now()],
        )
        return cursor.rowcount == 1

    # -- retention -----------------------------------------------------------------------

    def expired_applications(self, *, before: datetime) -> list[dict[str, Any]]:
        """Applications with no contact since `before` (what `purge` deletes)."""
        return list(
            self.db.query(
                "SELECT id, user_id, reference, state, last_contact_at FROM applications "
                "WHERE last_contact_at < ? ORDER BY last_contact_at",
                [iso(before)],
            )
        )

    def purge(self, *, before: datetime) -> int:
        """Delete applications with no contact since `before`, their conversations, and the
        users left with nothing; the audit keeps an anonymous trace. Returns how many."""
        expired = self.expired_applications(before=before)
        with self.db.atomic():
            owe_redactions(self.db, [row["id"] for row in expired], EXPIRED, self._now())
            for row in expired:
                self.db.execute(
                    "UPDATE events SET note = NULL, application_id = NULL WHERE application_id = ?",
                    [row["id"]],
                )
                self.db.execute("DELETE FROM conversations WHERE application_id = ?", [row["id"]])
                self.db.execute("DELETE FROM applications WHERE id = ?", [row["id"]])
                self._event("system", "purged", None, row["state"], None)
            self.db.execute(
                "DELETE FROM users WHERE id NOT IN (SELECT user_id FROM applications) "
                "AND id NOT IN (SELECT user_id FROM conversations)"
            )
        self.forget_people()
        if expired:
            self.checkpoint()  # the erased bytes leave the WAL too (see erase_user)
        return len(expired)

    # -- backups -------------------------------------------------------------------------

    def backup_to(self, target: str) -> None:
        """A consistent copy while the bot runs (SQLite's online backup API)."""
        destination = sqlite3.connect(target)
        try:
            with destination:
                self.db.conn.backup(destination)
        finally:
            destination.close()

    def checkpoint(self) -> None:
        """Fold the WAL into the main file (and empty it)."""
        self.db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def integrity_of_file(path: Path) -> str:
    """SQLite's integrity_check on a file opened read-only (a backup, say): "ok" or why not."""
    try:
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return str(connection.execute("PRAGMA integrity_check").fetchone()[0])
        finally:
            connection.close()
    except sqlite3.Error as error:
        return f"{path} cannot be read ({error})"
