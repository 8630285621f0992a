"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """0003: referrers, one-time linking tokens, candidates' consent to follow-up."""
    db.execute(
        """
        CREATE TABLE referrers (
            id INTEGER PRIMARY KEY,
            code TEXT NOT NULL UNIQUE,       -- the start payload of the referrer's link
            name TEXT NOT NULL,
            kind TEXT NOT NULL,              -- an id of dialogs/referrers.toml [[kinds]]
            contact TEXT,                    -- a person, a phone or an e-mail, as typed
            telegram_user_id INTEGER UNIQUE, -- the linked account that may see /mescandidats
            linked_at TEXT,
            created_at TEXT NOT NULL,
            deleted_at TEXT                  -- a deleted referrer's link leads nowhere special
        )"""
    )
    db.execute(
        """
        CREATE TABLE referrer_link_tokens (
            token_hash TEXT PRIMARY KEY,     -- sha256 of the token: the file alone links nobody
            referrer_id INTEGER NOT NULL REFERENCES referrers(id) ON DELETE CASCADE,
            created_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            used_at TEXT
        )"""
    )
    # Kept beside the application (not a column of it): erased with it, by cascade.
    db.execute(
        """
        CREATE TABLE referrer_followups (
            application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
            consented_at TEXT NOT NULL,
            notified_state TEXT              -- the last state the referrer was told about
        )"""
    )


def migrate_followup_reason(db: Database) -> None:
    """0015: whether the candidate's consent covers the refusal reason. Consents given from
    now on do (the question says so); those given before stay without it (0)."""
    db.execute("ALTER TABLE referrer_followups ADD COLUMN shares_reason INTEGER NOT NULL DEFAULT 0")
