"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """0004: reviews (who opened, who decided, when), staff names, cards and queue messages."""
    db.execute(
        """
        CREATE TABLE reviews (
            application_id INTEGER PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
            version INTEGER NOT NULL DEFAULT 0,   -- bumped by every decision
            claimed_by INTEGER,                   -- staff user id: "à l'étude par"
            claimed_at TEXT,
            decided_by INTEGER,                   -- staff user id of the latest decision
            decided_at TEXT,
            decision TEXT,                        -- the state it led to
            reason TEXT,                          -- refusal reason id (dialogs/staff.toml)
            note TEXT,                            -- the note typed with a refusal "autre"
            interview_at TEXT,                    -- UTC, ISO 8601
            interview_place TEXT,
            interview_kind TEXT,                  -- 'entretien' | 'information_collective'
            slot_id INTEGER                       -- the slot booked, when one was
        )"""
    )
    # Staff names are not candidates' data: the audit keeps 'staff:<id>', the card a name.
    db.execute(
        """
        CREATE TABLE staff_members (
            id INTEGER PRIMARY KEY,               -- Telegram user id
            first_name TEXT NOT NULL,
            seen_at TEXT NOT NULL
        )"""
    )
    db.execute(
        """
        CREATE TABLE staff_cards (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            posted_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        )"""
    )
    db.execute("CREATE INDEX staff_cards_application ON staff_cards(application_id)")
    db.execute(
        """
        CREATE TABLE staff_queues (
            chat_id INTEGER NOT NULL,
            message_id INTEGER NOT NULL,
            filters TEXT NOT NULL DEFAULT '{}',   -- what the queue message shows
            created_at TEXT NOT NULL,
            PRIMARY KEY (chat_id, message_id)
        )"""
    )
    # The queue (oldest first, filtered) and the figures, kept fast at 100,000 applications:
    # covering indexes, so that counts read an index rather than the table.
    db.execute(
        "CREATE INDEX staff_applications_filed ON applications(filed_at) WHERE filed_at IS NOT NULL"
    )
    db.execute("CREATE INDEX staff_applications_queue ON applications(state, filed_at, workshops)")
    db.execute("CREATE INDEX staff_applications_source ON applications(source, state, filed_at)")
    db.execute("CREATE INDEX staff_applications_verdict ON applications(verdict, state, filed_at)")
    db.execute(
        "CREATE INDEX staff_applications_month ON applications(substr(filed_at, 1, 7)) "
        "WHERE filed_at IS NOT NULL"
    )
    db.execute(
        "CREATE INDEX staff_applications_workshops ON applications(workshops) "
        "WHERE filed_at IS NOT NULL"
    )
    db.execute("CREATE INDEX staff_events_action ON events(action)")


def migrate_proofs_seen(db: Database) -> None:
    """0013: the proofs staff have seen, per application and criterion (issue #16): who and
    when, so that the hire can be declared without asking the person again."""
    db.execute(
        """
        CREATE TABLE proofs_seen (
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            criterion TEXT NOT NULL,
            seen_by INTEGER NOT NULL,             -- staff user id
            seen_by_name TEXT NOT NULL,
            seen_at TEXT NOT NULL,
            PRIMARY KEY (application_id, criterion)
        )"""
    )


def migrate_state_changes_index(db: Database) -> None:
    """0014: the state changes by the state they led to, for /stats' medians (filing to the
    first decision, to the interview): read from the index, not from every event."""
    db.execute("CREATE INDEX events_state_changes ON events(action, to_state, application_id)")


def migrate_inputs(db: Database) -> None:
    """0001, its end: what a staff member is asked to type (bot.core.typed_input). Shipped in
    the first migration, after the candidates' tables (bot/store.py runs both as 0001)."""
    db.execute(
        """
        CREATE TABLE staff_inputs (
            user_id INTEGER PRIMARY KEY,     -- a staff member who is asked to type something
            kind TEXT NOT NULL,              -- which dialogue the text answers
            payload TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL
        )"""
    )


def migrate_staff_input_place(db: Database) -> None:
    """Where a staff member was asked to type: the chat (NULL: their own private chat) and,
    in a group, the bot's prompt, so that only a reply to it in that chat answers it."""
    db.execute("ALTER TABLE staff_inputs ADD COLUMN chat_id INTEGER")
    db.execute("ALTER TABLE staff_inputs ADD COLUMN prompt_id INTEGER")
