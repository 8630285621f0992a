"""Messages in Telegram that show a person's data, and the redactions erasure owes them.

Every message the bot sends to staff or to a referrer with a candidate's name, phone or
answers is recorded here against the applications it shows: every card (not only the last
ones kept for live edits), queue pages, search results, a slot's list of people, the ⚠️
phone warning, a referrer's follow-up. When a person is erased or her application expires,
the same transaction turns those records into redactions owed; the bot then edits each of
those messages, right away and at every sweep (so also after a crash, or after the
command-line `purge`). No personal data here: ids and kinds.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlite_utils import Database

from bot.core.store import StoreBase

CARD = "card"  # a card of one application: redacted to "application erased"
LIST = "list"  # a message that shows it among others (or in passing): redacted whole

ERASED = "erased"  # the person asked (/supprimer)
EXPIRED = "expired"  # the retention period is over (purge)


def migrate(db: Database) -> None:
    """0010: where each person's data is shown, and the edits erasure owes."""
    db.execute(
        """
        CREATE TABLE shown_messages (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                 -- card | list
            PRIMARY KEY (chat_id, message_id, application_id)
        )"""
    )
    db.execute("CREATE INDEX shown_messages_application ON shown_messages(application_id)")
    db.execute(
        """
        CREATE TABLE redactions (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            kind TEXT NOT NULL,                 -- card | list
            reason TEXT NOT NULL,               -- erased | expired
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        )"""
    )


@dataclass(frozen=True, slots=True)
class Redaction:
    chat_id: int
    message_id: int
    kind: str
    reason: str


def owe_redactions(db: Database, application_ids: Iterable[int], reason: str, now: str) -> None:
    """Inside the erasing transaction: every message showing these applications is owed an
    edit, and forgets what it showed (it will show nothing personal)."""
    ids = list(application_ids)
    if not ids:
        return
    marks = ", ".join("?" for _ in ids)
    db.execute(
        "INSERT INTO redactions (chat_id, message_id, kind, reason, created_at) "
        "SELECT chat_id, message_id, MIN(kind), ?, ? FROM shown_messages "
        f"WHERE application_id IN ({marks}) GROUP BY chat_id, message_id "
        "ON CONFLICT(chat_id, message_id) DO NOTHING",
        [reason, now, *ids],
    )
    # The other people a redacted list showed are no longer shown by it.
    db.execute(
        "DELETE FROM shown_messages WHERE (chat_id, message_id) IN ("
        f"SELECT chat_id, message_id FROM shown_messages WHERE application_id IN ({marks}))",
        ids,
    )


def remember_shown(
    db: Database, chat_id: int, message_id: int, application_id: int, kind: str, now: str
) -> bool:
    """Record that a message shows an application (True). Erased while the message was on
    its way (read before the erasure, sent after it): the message is owed its edit at once
    (False)."""
    if db.execute("SELECT 1 FROM applications WHERE id = ?", [application_id]).fetchone():
        db.execute(
            "INSERT OR REPLACE INTO shown_messages (chat_id, message_id, application_id, kind) "
            "VALUES (?, ?, ?, ?)",
            [chat_id, message_id, application_id, kind],
        )
        return True
    db.execute(
        "INSERT INTO redactions (chat_id, message_id, kind, reason, created_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(chat_id, message_id) DO NOTHING",
        [chat_id, message_id, kind, ERASED, now],
    )
    return False


class MentionStore(StoreBase):
    def shown(
        self, chat_id: int, message_id: int, application_ids: Iterable[int], kind: str
    ) -> None:
        """This message now shows these applications (replaces what it showed before)."""
        with self.db.atomic():
            self.db.execute(
                "DELETE FROM shown_messages WHERE chat_id = ? AND message_id = ?",
                [chat_id, message_id],
            )
            for application_id in set(application_ids):
                remember_shown(self.db, chat_id, message_id, application_id, kind, self._now())

    def redactions(self, limit: int = 200) -> list[Redaction]:
        rows = self.db.execute(
            "SELECT chat_id, message_id, kind, reason FROM redactions "
            "ORDER BY created_at, rowid LIMIT ?",
            [limit],
        ).fetchall()
        return [Redaction(*row) for row in rows]

    def redacted(self, chat_id: int, message_id: int) -> None:
        self.db.execute(
            "DELETE FROM redactions WHERE chat_id = ? AND message_id = ?", [chat_id, message_id]
        )
