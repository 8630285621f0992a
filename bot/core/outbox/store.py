"""The outbox: messages that a committed change owes, written in the change's transaction.

A filing owes the candidate her confirmation and the staff their cards; a decision owes the
candidate its message. Each duty is a row written with the change, so a crash between the
commit and the sending loses nothing: the running bot delivers what is owed right after the
commit, and again at start for what was not. A duty is claimed by this process before its
message goes out, and its row deleted once Telegram has answered: a crash in between leaves
a claim of a dead process, taken again at the next start. So a message is sent at least
once; twice only when the process died after sending and before the delete.
"""

from __future__ import annotations

import secrets
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

    # Who claims duties: one value per store opened, i.e. per run of the bot (a second copy
    # cannot run on the same database: bot/core/lock.py).
    _claimer: str = ""

    def take(self, duty: Duty) -> bool:
        """Claim a duty before sending its message; False when a delivery of this run holds
        it. A claim left by an earlier run (it died while sending) is taken again."""
        if not self._claimer:
            self._claimer = secrets.token_hex(8)
        with self.draft_transaction():
            cursor = self.db.execute(
                "UPDATE outbox SET claimed_by = ? "
                "WHERE id = ? AND (claimed_by IS NULL OR claimed_by != ?)",
                [self._claimer, duty.id, self._claimer],
            )
        return cursor.rowcount == 1

    def done(self, duty: Duty) -> None:
        """Telegram answered (sent, or refused for good): nothing is owed any more."""
        with self.draft_transaction():
            self.db.execute("DELETE FROM outbox WHERE id = ?", [duty.id])

    def owe_again(self, duty: Duty) -> None:
        """The network failed before the message left: owed again, for the next delivery (an
        application erased meanwhile took its duties with it)."""
        with self.draft_transaction():
            self.db.execute("UPDATE outbox SET claimed_by = NULL WHERE id = ?", [duty.id])
