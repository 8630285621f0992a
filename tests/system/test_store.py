"""The store: migrations on empty and older databases, pragmas, references, erasure."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlite_utils import Database

from bot.core.application_store import Conversation
from bot.core.store import NotFoundError, StoreError
from bot.store import Store, migrations


def _clock() -> datetime:
    return datetime(2026, 5, 4, 10, 0, tzinfo=UTC)


def test_empty_database_gets_the_whole_schema(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "new.sqlite3", clock=_clock)
    tables = set(store.db.table_names())
    assert {"users", "conversations", "applications", "events", "counters"} <= tables
    assert store.schema_version == len(migrations._migrations)
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert store.db.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL
    assert store.db.execute("PRAGMA secure_delete").fetchone()[0] == 1
    store.close()


def test_opening_twice_applies_nothing_new(tmp_path: Path) -> None:
    path = tmp_path / "t.sqlite3"
    Store.open(path).close()
    store = Store.open(path)
    names = store.applied_migrations()
    assert len(names) == len(set(names)) == store.schema_version
    store.close()


def test_older_database_is_brought_up_to_date_keeping_its_rows(tmp_path: Path) -> None:
    """A database made by an older release (here: with no migration applied but the
    migrations table) gains the newer migrations, and its rows survive."""
    path = tmp_path / "old.sqlite3"
    first, *_ = migrations._migrations
    db = Database(sqlite3.connect(path))
    migrations.ensure_migrations_table(db)
    with db.atomic():
        first.fn(db)
        migrations._record_applied(db, first.name)
    db.execute("INSERT INTO users (id, created_at) VALUES (7, '2025-01-01T00:00:00+00:00')")
    db.close()
    store = Store.open(path)
    assert store.applied_migrations()[0] == first.name
    assert store.schema_version == len(migrations._migrations)
    assert store.db.execute("SELECT id FROM users").fetchall() == [(7,)]
    store.close()


def test_unwritable_path_is_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="cannot open the database"):
        Store.open(blocker / "sub" / "db.sqlite3")


def test_references_count_per_year_and_are_never_reused(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "r.sqlite3", clock=_clock)
    references = []
    for user_id in (1, 2, 3):
        draft = store.start_draft(user_id, source=None)
        application, filed = store.file_application(draft.id, fields=_fields())
        assert filed
        references.append(application.reference)
    assert references == ["IS-2026-0001", "IS-2026-0002", "IS-2026-0003"]
    store.erase_user(3)
    draft = store.start_draft(4, source=None)
    application, _ = store.file_application(draft.id, fields=_fields())
    assert application.reference == "IS-2026-0004"
    store.close()


def test_filing_twice_is_a_no_op(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "f.sqlite3", clock=_clock)
    draft = store.start_draft(1, source="ml-auber")
    store.save_conversation(Conversation(user_id=1, step="resume", application_id=draft.id))
    first, filed_first = store.file_application(draft.id, fields=_fields())
    second, filed_second = store.file_application(draft.id, fields=_fields())
    assert (filed_first, filed_second) == (True, False)
    assert first.reference == second.reference
    assert first.source == "ml-auber"
    assert store.conversation(1) is None
    store.close()


def test_one_active_application_per_person(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.sqlite3", clock=_clock)
    first = store.start_draft(1, source=None)
    again = store.start_draft(1, source=None)
    assert first.id == again.id
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO applications (user_id, state, created_at, updated_at, last_contact_at) "
            "VALUES (1, 'nouvelle', 'x', 'x', 'x')"
        )
    store.close()


def test_change_state_is_a_compare_and_set(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.sqlite3", clock=_clock)
    draft = store.start_draft(1, source=None)
    store.file_application(draft.id, fields=_fields())
    assert store.change_state(draft.id, expected="nouvelle", new="a_l_etude", actor="staff:9")
    assert not store.change_state(draft.id, expected="nouvelle", new="refusee", actor="staff:8")
    assert store.application(draft.id).state == "a_l_etude"
    with pytest.raises(NotFoundError):
        store.application(9999)
    store.close()


def _fields() -> dict[str, object]:
    return {
        "answers": {"prenom": "Awa"},
        "criteria": {"rsa": "rempli"},
        "verdict": "probable",
        "workshops": ["bois"],
        "first_name": "Awa",
        "last_name": "Diallo",
        "phone": "+33612345678",
        "email": None,
    }


def test_a_persons_applications_are_found_by_index_not_by_a_scan(tmp_path: Path) -> None:
    """/start, /statut, /mesdonnees and erasure look up one person's applications: each of
    their queries must use an index (a scan grows with every application ever filed)."""
    store = Store.open(tmp_path / "t.sqlite3")
    draft = store.start_draft(1, source=None)
    issued: list[str] = []
    store.db.conn.set_trace_callback(issued.append)
    store.active_application(1)
    store.applications_of(1)
    store.draft_answers(draft.id)
    store.db.conn.set_trace_callback(None)
    selects = [sql for sql in issued if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 3
    for sql in selects:
        plan = " ".join(str(row[3]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
        assert "SCAN applications" not in plan, (sql, plan)
        assert "applications USING" in plan, (sql, plan)
    store.close()


def test_the_staff_search_reads_names_from_an_index(tmp_path: Path) -> None:
    """/cherche scans names, newest first: from the small names index, not the rows with
    their answers (twice as fast at 100,000 applications, see the benchmark)."""
    store = Store.open(tmp_path / "t.sqlite3")
    issued: list[str] = []
    store.db.conn.set_trace_callback(issued.append)
    store.search_applications("Diallo")
    store.db.conn.set_trace_callback(None)
    (sql,) = [sql for sql in issued if sql.lstrip().upper().startswith("SELECT")]
    plan = " ".join(str(row[3]) for row in store.db.execute(f"EXPLAIN QUERY PLAN {sql}"))
    assert "USING INDEX applications_names" in plan, plan
    assert "TEMP B-TREE" not in plan, plan  # already in order: stops at the first matches
    store.close()
