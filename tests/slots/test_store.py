"""Slots in the store (seats never oversold, even by concurrent connections and processes;
freed on withdrawal, refusal and erasure) and the pure rules of bot/slots/rules.py."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.core.store import NotFoundError
from bot.slots import rules as rules
from bot.store import Store

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PARIS = ZoneInfo("Europe/Paris")
RULE = rules.ReminderRule(evening_at=time(18, 0), hours_before=3)


def _store(tmp_path: Path) -> Store:
    return Store.open(tmp_path / "slots.sqlite3", clock=lambda: NOW)


def _drafts(store: Store, count: int, first_user: int = 100) -> list[int]:
    return [store.start_draft(first_user + n, source=None).id for n in range(count)]


def test_schema_has_the_tables_and_the_one_active_booking_index(tmp_path: Path) -> None:
    store = _store(tmp_path)
    assert {"slots", "bookings", "reminders_sent"} <= set(store.db.table_names())
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=2)
    (application,) = _drafts(store, 1)
    assert store.book_seat(slot.id, application, now=NOW)
    with pytest.raises(sqlite3.IntegrityError):
        store.db.execute(
            "INSERT INTO bookings (slot_id, application_id, created_at, updated_at) "
            "VALUES (?, ?, 'x', 'x')",
            [slot.id, application],
        )


def test_add_slot_checks_its_values(tmp_path: Path) -> None:
    store = _store(tmp_path)
    with pytest.raises(ValueError):
        store.add_slot(start=datetime(2026, 3, 5, 14, 0), seats=3)  # naive
    with pytest.raises(ValueError):
        store.add_slot(start=NOW, seats=3, kind="pique-nique")
    with pytest.raises(ValueError):
        store.add_slot(start=NOW, seats=0)
    with pytest.raises(NotFoundError):
        store.slot(404)


def test_open_slots_are_future_not_cancelled_not_full_soonest_first(tmp_path: Path) -> None:
    store = _store(tmp_path)
    past = store.add_slot(start=NOW - timedelta(hours=1), seats=5)
    later = store.add_slot(start=NOW + timedelta(days=5), seats=5)
    full = store.add_slot(start=NOW + timedelta(days=1), seats=1)
    cancelled = store.add_slot(start=NOW + timedelta(days=2), seats=5)
    sooner = store.add_slot(start=NOW + timedelta(days=3), seats=5, kind="entretien")
    store.cancel_slot(cancelled.id, actor="cli")
    (application,) = _drafts(store, 1)
    assert store.book_seat(full.id, application, now=NOW)
    assert [s.id for s in store.open_slots(now=NOW)] == [sooner.id, later.id]
    assert [s.id for s in store.open_slots(now=NOW, kind="entretien")] == [sooner.id]
    assert [s.id for s in store.open_slots(now=NOW, limit=1)] == [sooner.id]
    # The slot that started an hour ago is not open now; the day before, it was.
    assert past.id not in [s.id for s in store.open_slots(now=NOW)]
    assert past.id in [s.id for s in store.open_slots(now=NOW - timedelta(days=1))]
    assert store.slot(full.id).left == 0


def test_book_seat_refuses_full_cancelled_and_started_slots(tmp_path: Path) -> None:
    store = _store(tmp_path)
    a, b = _drafts(store, 2)
    one = store.add_slot(start=NOW + timedelta(days=1), seats=1)
    assert store.book_seat(one.id, a, now=NOW)
    assert not store.book_seat(one.id, b, now=NOW)
    cancelled = store.add_slot(start=NOW + timedelta(days=1), seats=3)
    store.cancel_slot(cancelled.id, actor="cli")
    assert not store.book_seat(cancelled.id, b, now=NOW)
    started = store.add_slot(start=NOW - timedelta(minutes=1), seats=3)
    assert not store.book_seat(started.id, b, now=NOW)
    assert not store.book_seat(404, b, now=NOW)
    assert store.active_booking(b) is None


def test_an_application_holds_one_seat_and_a_move_frees_the_old_one(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (a,) = _drafts(store, 1)
    first = store.add_slot(start=NOW + timedelta(days=1), seats=1)
    second = store.add_slot(start=NOW + timedelta(days=2), seats=1)
    assert store.book_seat(first.id, a, now=NOW)
    assert store.book_seat(first.id, a, now=NOW)  # again: no second seat
    assert store.slot(first.id).taken == 1
    assert store.book_seat(second.id, a, now=NOW)
    assert (store.slot(first.id).taken, store.slot(second.id).taken) == (0, 1)
    booked = store.active_booking(a)
    assert booked is not None and booked[0].id == second.id and booked[1] == "booked"
    # A move to a full slot changes nothing: the seat held is kept.
    (b,) = _drafts(store, 1, first_user=200)
    assert store.book_seat(first.id, b, now=NOW)
    assert not store.book_seat(first.id, a, now=NOW)
    booked = store.active_booking(a)
    assert booked is not None and booked[0].id == second.id


def test_withdrawal_refusal_and_erasure_free_the_seat(tmp_path: Path) -> None:
    store = _store(tmp_path)
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=5)
    a, b, c = _drafts(store, 3)
    for application in (a, b, c):
        assert store.book_seat(slot.id, application, now=NOW)
    assert store.change_state(a, expected="brouillon", new="annulee", actor="candidate")
    assert store.change_state(b, expected="brouillon", new="refusee", actor="staff:900")
    store.erase_user(102)
    assert store.slot(slot.id).taken == 0
    assert (
        store.db.execute("SELECT COUNT(*) FROM bookings WHERE application_id = ?", [c]).fetchone()[
            0
        ]
        == 0
    )


def test_concurrent_connections_never_oversell(tmp_path: Path) -> None:
    """Twenty threads, each with its own connection, race for three seats."""
    path = tmp_path / "race.sqlite3"
    store = Store.open(path, clock=lambda: NOW)
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=3)
    applications = _drafts(store, 20)
    results: list[bool] = []
    # One connection per thread, opened beforehand (opening runs the migrations check).
    connections = [Store.open(path, clock=lambda: NOW) for _ in applications]
    barrier = threading.Barrier(len(applications), timeout=30)

    def take(mine: Store, application_id: int) -> None:
        barrier.wait()
        results.append(mine.book_seat(slot.id, application_id, now=NOW))

    threads = [
        threading.Thread(target=take, args=(mine, a))
        for mine, a in zip(connections, applications, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for mine in connections:
        mine.close()
    assert results.count(True) == 3
    assert store.slot(slot.id).taken == 3


def _book_in_process(path: str, slot_id: int, application_id: int, queue: object) -> None:
    store = Store.open(path, clock=lambda: NOW)
    queue.put(store.book_seat(slot_id, application_id, now=NOW))  # type: ignore[attr-defined]
    store.close()


def test_concurrent_processes_never_oversell(tmp_path: Path) -> None:
    """Six processes (like the bot and command-line tools) race for the last seat."""
    path = tmp_path / "race.sqlite3"
    store = Store.open(path, clock=lambda: NOW)
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=1)
    applications = _drafts(store, 6)
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    processes = [
        context.Process(target=_book_in_process, args=(str(path), slot.id, a, queue))
        for a in applications
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(60)
    results = [queue.get(timeout=5) for _ in processes]
    assert results.count(True) == 1
    assert store.slot(slot.id).taken == 1


def test_cancel_slot_marks_one_notice_per_booking(tmp_path: Path) -> None:
    store = _store(tmp_path)
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=5)
    a, b = _drafts(store, 2)
    store.book_seat(slot.id, a, now=NOW)
    store.book_seat(slot.id, b, now=NOW)
    cancelled = store.cancel_slot(slot.id, actor="cli")
    assert sorted(x.application_id for x in cancelled) == [a, b]
    assert store.cancel_slot(slot.id, actor="cli") == []
    due = store.notices_due()
    assert [x.notice_due for x in due] == ["slot_cancelled", "slot_cancelled"]
    assert store.claim_notice(due[0].id)
    assert not store.claim_notice(due[0].id)
    assert len(store.notices_due()) == 1


def test_reminders_are_claimed_once(tmp_path: Path) -> None:
    store = _store(tmp_path)
    slot = store.add_slot(start=NOW + timedelta(days=1), seats=5)
    (a,) = _drafts(store, 1)
    store.book_seat(slot.id, a, now=NOW)
    booking = store.active_booking_of(a)
    assert booking is not None
    assert store.claim_reminder(booking.id, "veille")
    assert not store.claim_reminder(booking.id, "veille")
    store.release_reminder(booking.id, "veille")
    assert store.claim_reminder(booking.id, "veille")
    assert store.reminders_recorded(booking.id) == {"veille": "sent"}


def test_only_the_first_absence_gets_a_new_date(tmp_path: Path) -> None:
    store = _store(tmp_path)
    (a,) = _drafts(store, 1)
    first = store.add_slot(start=NOW + timedelta(days=1), seats=5)
    second = store.add_slot(start=NOW + timedelta(days=2), seats=5)
    store.book_seat(first.id, a, now=NOW)
    one = store.active_booking_of(a)
    assert one is not None
    assert store.mark_attendance(one.id, present=False, actor="staff:900")
    assert not store.mark_attendance(one.id, present=False, actor="staff:900")
    assert store.booking(one.id).notice_due == "no_show"
    store.book_seat(second.id, a, now=NOW)
    two = store.active_booking_of(a)
    assert two is not None
    assert store.mark_attendance(two.id, present=False, actor="staff:900")
    assert store.booking(two.id).notice_due is None


# --- pure rules ---------------------------------------------------------------------------


def test_local_times_across_daylight_saving() -> None:
    assert rules.local_to_utc(datetime(2027, 3, 28, 14, 0), PARIS) == datetime(
        2027, 3, 28, 12, 0, tzinfo=UTC
    )
    assert rules.local_to_utc(datetime(2027, 10, 31, 14, 0), PARIS) == datetime(
        2027, 10, 31, 13, 0, tzinfo=UTC
    )
    with pytest.raises(rules.TimeError):
        rules.local_to_utc(datetime(2027, 3, 28, 2, 30), PARIS)  # skipped hour
    # The repeated hour of October: the first one (still summer time).
    assert rules.local_to_utc(datetime(2027, 10, 31, 2, 30), PARIS) == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2031-03-10T14:00", datetime(2031, 3, 10, 13, 0, tzinfo=UTC)),
        ("2031-03-10 14:30", datetime(2031, 3, 10, 13, 30, tzinfo=UTC)),
        ("10/03/2031 14:00", datetime(2031, 3, 10, 13, 0, tzinfo=UTC)),
        ("10/03/31 14h", datetime(2031, 3, 10, 13, 0, tzinfo=UTC)),
        ("10/07/2031 à 9h30", datetime(2031, 7, 10, 7, 30, tzinfo=UTC)),
        ("05/03 14h", datetime(2026, 3, 5, 13, 0, tzinfo=UTC)),
        ("01/03 14h", datetime(2027, 3, 1, 13, 0, tzinfo=UTC)),  # passed: next year
    ],
)
def test_parse_local(text: str, expected: datetime) -> None:
    assert rules.parse_local(text, PARIS, today=NOW.date()) == expected


@pytest.mark.parametrize(
    "text",
    ["", "demain", "31/02/2031 10:00", "10/03/2031 25:00", "x" * 5000, "10/03/2031 14:00 salle B"],
)
def test_parse_local_refuses(text: str) -> None:
    with pytest.raises(rules.TimeError):
        rules.parse_local(text, PARIS, today=NOW.date())


def test_reminder_decisions() -> None:
    start = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
    moments = rules.reminder_moments(start, PARIS, RULE)
    assert moments == {
        "veille": datetime(2026, 3, 4, 17, 0, tzinfo=UTC),
        "jour": datetime(2026, 3, 5, 10, 0, tzinfo=UTC),
    }
    early = datetime(2026, 3, 1, tzinfo=UTC)

    def decide(kind: str, now: datetime, booked_at: datetime = early) -> rules.Decision:
        return rules.reminder_decision(kind, moments, start=start, booked_at=booked_at, now=now)

    assert decide("veille", moments["veille"] - timedelta(seconds=1)) is rules.Decision.WAIT
    assert decide("veille", moments["veille"]) is rules.Decision.SEND
    assert decide("veille", moments["jour"]) is rules.Decision.SKIP  # the same-day one says it
    assert decide("jour", moments["jour"]) is rules.Decision.SEND
    assert decide("jour", start) is rules.Decision.SKIP  # started
    late_booking = moments["veille"] + timedelta(hours=2)
    assert decide("veille", late_booking, booked_at=late_booking) is rules.Decision.SKIP


@settings(max_examples=200, deadline=None)
@given(
    day=st.dates(min_value=datetime(2026, 1, 1).date(), max_value=datetime(2035, 12, 31).date()),
    hour=st.integers(min_value=7, max_value=20),
    minute=st.sampled_from([0, 15, 30, 45]),
)
def test_evening_reminder_is_18h_local_the_day_before_whatever_the_season(
    day: object, hour: int, minute: int
) -> None:
    start = rules.local_to_utc(datetime(day.year, day.month, day.day, hour, minute), PARIS)  # type: ignore[attr-defined]
    moments = rules.reminder_moments(start, PARIS, RULE)
    evening = moments["veille"].astimezone(PARIS)
    assert (evening.hour, evening.minute) == (18, 0)
    assert evening.date() == start.astimezone(PARIS).date() - timedelta(days=1)
    assert start - moments["jour"] == timedelta(hours=3)
    assert moments["veille"] < moments["jour"] < start


def test_day_word() -> None:
    start = datetime(2026, 3, 5, 13, 0, tzinfo=UTC)
    assert rules.day_word(start, datetime(2026, 3, 4, 22, 59, tzinfo=UTC), PARIS) == "tomorrow"
    assert rules.day_word(start, datetime(2026, 3, 4, 23, 0, tzinfo=UTC), PARIS) == "today"
    assert rules.day_word(start, datetime(2026, 3, 2, 9, 0, tzinfo=UTC), PARIS) == "later"
