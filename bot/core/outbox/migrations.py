"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """0008: duties owed by committed changes (no personal data: kinds and ids)."""
    db.execute(
        """
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            kind TEXT NOT NULL,               -- filed, next_steps, after_filing, card, decision
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            chat_id INTEGER NOT NULL,         -- where it goes (or, for a decision, who is warned)
            version INTEGER                   -- a decision's review version
        )"""
    )
    db.execute("CREATE INDEX outbox_application ON outbox(application_id)")


def migrate_claims(db: Database) -> None:
    """0017: who is sending a duty (a run of the bot), so that its row is deleted only once
    Telegram answered, and a crash in between leaves it owed."""
    db.execute("ALTER TABLE outbox ADD COLUMN claimed_by TEXT")
