"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.slots.store import ACTIVE_BOOKING_SQL


def migrate(db: Database) -> None:
    """0002: slots, bookings, reminders sent; a withdrawn or refused application frees its
    seat (trigger), an erased one loses its bookings (ON DELETE CASCADE)."""
    db.execute(
        """
        CREATE TABLE slots (
            id INTEGER PRIMARY KEY,
            start TEXT NOT NULL,             -- UTC, ISO 8601
            duration_minutes INTEGER NOT NULL CHECK (duration_minutes > 0),
            kind TEXT NOT NULL CHECK (kind IN ('information_collective', 'entretien')),
            seats INTEGER NOT NULL CHECK (seats > 0),
            place TEXT,                      -- NULL: the structure's address
            workshop TEXT,                   -- a workshop id, when the slot is for one
            cancelled_at TEXT,
            cancelled_by TEXT,               -- 'staff:<id>' or 'cli'
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX slots_start ON slots(start)")
    db.execute(
        """
        CREATE TABLE bookings (
            id INTEGER PRIMARY KEY,
            slot_id INTEGER NOT NULL REFERENCES slots(id) ON DELETE CASCADE,
            application_id INTEGER NOT NULL REFERENCES applications(id) ON DELETE CASCADE,
            state TEXT NOT NULL DEFAULT 'booked'
                CHECK (state IN ('booked', 'confirmed', 'cancelled', 'attended', 'no_show')),
            cancel_reason TEXT,              -- candidate, moved, slot_cancelled, withdrawn, ...
            notice_due TEXT,                 -- a message the candidate must still get
            notice_sent_at TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute(
        f"CREATE UNIQUE INDEX bookings_one_active ON bookings(application_id) "
        f"WHERE state IN {ACTIVE_BOOKING_SQL}"
    )
    db.execute("CREATE INDEX bookings_slot ON bookings(slot_id, state)")
    db.execute("CREATE INDEX bookings_notice ON bookings(notice_due) WHERE notice_due IS NOT NULL")
    db.execute(
        """
        CREATE TABLE reminders_sent (
            booking_id INTEGER NOT NULL REFERENCES bookings(id) ON DELETE CASCADE,
            kind TEXT NOT NULL,              -- 'veille' (the evening before) or 'jour'
            outcome TEXT NOT NULL,           -- 'sent', 'skipped', 'failed'
            at TEXT NOT NULL,
            PRIMARY KEY (booking_id, kind)
        )"""
    )
    # Whatever path withdraws or refuses an application, its seat is freed.
    db.execute(
        f"""
        CREATE TRIGGER bookings_free_on_close AFTER UPDATE OF state ON applications
        WHEN NEW.state IN ('annulee', 'refusee')
        BEGIN
            UPDATE bookings SET state = 'cancelled', cancel_reason = NEW.state,
                updated_at = NEW.updated_at
            WHERE application_id = NEW.id AND state IN {ACTIVE_BOOKING_SQL};
        END"""
    )
