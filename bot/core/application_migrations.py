"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.core.rules.latin import full_latin


def migrate(db: Database) -> None:
    """0001: users, applications, conversations, events, counters (then the staff's inputs:
    bot.staff.migrations.migrate_inputs, in the same migration)."""
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
        "WHERE state IN ('brouillon', 'nouvelle', 'a_l_etude', 'entretien', 'en_attente', "
        "'acceptee')"
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


def migrate_lookups(db: Database) -> None:
    """Lookups by index, not by a scan of every application: a person's applications
    (/statut, /mesdonnees, erasure), and the staff's search by name or reference — the
    newest filed first, read from the index alone until enough are found."""
    db.execute("CREATE INDEX applications_user ON applications(user_id)")
    db.execute(
        "CREATE INDEX applications_names ON applications"
        "(filed_at, id, first_name, last_name, reference) WHERE state != 'brouillon'"
    )


def migrate_latin_names(db: Database) -> None:
    """0016: each application's name in Latin letters (#21.10), for staff to read and for
    /cherche to find ("Amina" finds "أمينة"); filled in for the applications already filed.
    The names index is made again with it, so that the search still reads the index only."""
    db.execute("ALTER TABLE applications ADD COLUMN latin_name TEXT")
    rows = db.execute(
        "SELECT id, first_name, last_name FROM applications "
        "WHERE first_name IS NOT NULL OR last_name IS NOT NULL"
    ).fetchall()
    for application_id, first_name, last_name in rows:
        db.execute(
            "UPDATE applications SET latin_name = ? WHERE id = ?",
            [full_latin(first_name, last_name), application_id],
        )
    db.execute("DROP INDEX applications_names")
    db.execute(
        "CREATE INDEX applications_names ON applications"
        "(filed_at, id, first_name, last_name, reference, latin_name) "
        "WHERE state != 'brouillon'"
    )


def migrate_user_language(db: Database) -> None:
    """The language each person reads (a catalog's code, "fr" by default): chosen in one tap
    or with /langue, first taken from Telegram's setting when a catalog exists for it."""
    db.execute("ALTER TABLE users ADD COLUMN language TEXT")
