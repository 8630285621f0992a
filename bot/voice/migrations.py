"""The voice notes' tables (their order is in bot/store.py). Append only."""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """0012: one voice note per message and language (Telegram's file_id: the sound stays on
    Telegram's servers), what a staff member is recording now, and who hears every message."""
    db.execute(
        """CREATE TABLE voice_notes (
            key TEXT NOT NULL,
            language TEXT NOT NULL,
            file_id TEXT NOT NULL,
            recorded_by INTEGER NOT NULL,
            recorded_at TEXT NOT NULL,
            PRIMARY KEY (key, language)
        )"""
    )
    db.execute(
        """CREATE TABLE voice_requests (
            staff_id INTEGER PRIMARY KEY,
            key TEXT NOT NULL,
            language TEXT NOT NULL,
            file_id TEXT,
            asked_at TEXT NOT NULL
        )"""
    )
    db.execute("ALTER TABLE users ADD COLUMN read_aloud INTEGER NOT NULL DEFAULT 0")
