"""The tables of this feature, one function per migration (their order is in bot/store.py).

Append only: a migration that shipped is never edited, its SQL text included.
"""

from __future__ import annotations

from sqlite_utils import Database


def migrate(db: Database) -> None:
    """0019: the services directory (data·inclusion's, imported), and the needs named at a
    dead end, counted without anyone's name (nothing else is kept there)."""
    db.execute(
        """
        CREATE TABLE orientation_services (
            id TEXT PRIMARY KEY,             -- data·inclusion's id: "<source>--<its id>"
            source TEXT NOT NULL,
            nom TEXT NOT NULL,
            thematiques TEXT NOT NULL,       -- JSON list of the schema's values
            adresse TEXT,
            code_postal TEXT,
            commune TEXT,
            code_insee TEXT,
            departement TEXT,                -- from code_insee or code_postal: "93", "974"
            latitude REAL,
            longitude REAL,
            telephone TEXT,
            horaires_accueil TEXT,           -- OpenStreetMap opening hours, as published
            frais TEXT,                      -- gratuit | payant
            publics TEXT NOT NULL,           -- JSON list
            imported_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX orientation_services_departement ON orientation_services(departement)")
    db.execute(
        """
        CREATE TABLE orientation_needs_named (
            day TEXT NOT NULL,               -- YYYY-MM-DD (UTC)
            need TEXT NOT NULL,              -- an id of orientation.toml, or "" for "passer"
            n INTEGER NOT NULL,
            PRIMARY KEY (day, need)
        )"""
    )
