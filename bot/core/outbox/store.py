"""The outbox: messages that a committed change owes, written in the change's transaction.

A filing owes the candidate her confirmation and the staff their cards; a decision owes the
candidate its message. Each duty is a row written with the change, so a crash between the
commit and the sending loses nothing: the running bot delivers what is owed right after the
commit, and again at start for what was not. A duty is taken (its row deleted) before its
message goes out, so it is sent at most once as far as the bot can know, like a reminder.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.core.store import StoreBase


@dataclass(frozen=True, slots=True)
class Duty:
    id: int
    kind: str
    application_id: int
    chat_id: int
    version: int | None


class OutboxStore(StoreBase):
    def owe(self, kind: str, application_id: int, chat_id: int, version: int | None = None) -> None:
        """Inside the change's transaction: a message this change owes."""
        self.db.execute(
            "INSERT INTO outbox (created_at, kind, application_id, chat_id, version) "
            "VALUES (?, ?, ?, ?, ?)",
            [self._now(), kind, application_id, chat_id, version],
        )

    def owed(self, application_id: int | None = None) -> list[Duty]:
        """What is still owed (for one application, or all), oldest first."""
        rows = self.db.execute(
            "SELECT id, kind, application_id, chat_id, version FROM outbox "
            "WHERE ? IS NULL OR application_id = ? ORDER BY id",
            [application_id, application_id],
        ).fetchall()
        return [Duty(*row) for row in rows]

    def take(self, duty: Duty) -> bool:
        """Claim a duty before sending its message; False when another delivery took it.
        Without fsync: it survives a crash of the process, and a power cut at worst sends a
        message twice rather than never."""
        with self.draft_transaction():
            cursor = self.db.execute("DELETE FROM outbox WHERE id = ?", [duty.id])
        return cursor.rowcount == 1

    def owe_again(self, duty: Duty) -> None:
        """The network failed before the message left: owed again, for the next delivery."""
        with self.draft_transaction():
            self.db.execute(
                "INSERT OR IGNORE INTO outbox (id, created_at, kind, application_id, chat_id, "
                "version) SELECT ?, ?, ?, ?, ?, ? WHERE EXISTS "
                "(SELECT 1 FROM applications WHERE id = ?)",
                [
                    duty.id,
                    self._now(),
                    duty.kind,
                    duty.application_id,
                    duty.chat_id,
                    duty.version,
                    duty.application_id,
                ],
            )
