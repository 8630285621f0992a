"""Updates side by side across chats, in order within a chat, through the real update
processor (bot/core/processor.py) and a Bot API whose every call takes a few milliseconds, so
that the competing updates really interleave: the last seat and one decision stay exact, a
person's burst is handled in the order she sent it, and a flood is refused kindly."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest
from telegram import Update

from bot.app import build_application
from bot.core.processor import OrderedUpdateProcessor
from bot.core.settings import Settings
from localapi import Chat, LocalBotApi, LocalRequest
from localapi.messages import SentMessage
from tests.conftest import STAFF_ID, Bot, Clock, make_settings
from tests.journeys import (
    NEEDS_SKIPPED,
    add_slot,
    file_as,
    label,
    play,
    reach_rendez_vous,
)

DELAY = 0.005  # seconds per Bot API call: enough for every update to wait on the network
PEOPLE = 50
FIRST = 3000
SLOW_DOWN = "Doucement, je réponds à vos messages dans l'ordre."


class SideBySide(Chat):
    """A chat whose updates go through the application's update processor, as polling and
    the webhook hand them over: many chats' updates run at once."""

    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        app = self.app
        mark = self.api.mark()
        before = asyncio.all_tasks()
        parsed = Update.de_json(update, app.bot)
        await app.update_processor.process_update(parsed, app.process_update(parsed))
        await self._settle(before)  # the "slow down" word is sent on the side
        return self.api.changed_since(mark, chat_id=self.chat_id)


class SlowBot(Bot):
    """The bot under test, its Bot API a few milliseconds away."""

    async def start(self) -> None:
        app = build_application(
            self.settings, request=LocalRequest(self.api, delay=DELAY), clock=self.clock
        )
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        self.application = app

    def chat(
        self, user_id: int = 1001, first_name: str = "Awa", *, language_code: str = "fr"
    ) -> Chat:
        return SideBySide(
            self.application,  # type: ignore[arg-type]
            self.api,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
        )

    @property
    def processor(self) -> OrderedUpdateProcessor:
        processor = self.application.update_processor  # type: ignore[attr-defined]
        assert isinstance(processor, OrderedUpdateProcessor)
        return processor


def name(prefix: str, n: int) -> str:
    """A name of letters only (a name with digits is refused), distinct for each `n`."""
    return prefix + "".join("abcdefghij"[int(digit)] for digit in str(n))


def staff_ids() -> str:
    return ",".join(str(i) for i in [STAFF_ID, *range(FIRST + 1000, FIRST + 1000 + PEOPLE)])


@pytest.fixture
async def slow(tmp_path, clock: Clock) -> AsyncIterator[SlowBot]:  # type: ignore[no-untyped-def]
    # Journeys scripted back to back tap faster than a person: the budget is tested apart.
    settings = make_settings(tmp_path, TREMPLIN_FLOOD_UPDATES="0")
    harness = SlowBot(settings=settings, api=LocalBotApi(), clock=clock)
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()


async def test_fifty_journeys_run_side_by_side_and_each_files_once(slow: SlowBot) -> None:
    await asyncio.gather(
        *(file_as(slow, FIRST + n, name("Awa", n), name("Diallo", n)) for n in range(PEOPLE))
    )
    rows = slow.store.db.execute(
        "SELECT user_id, first_name, last_name, state FROM applications ORDER BY user_id"
    ).fetchall()
    assert rows == [
        (FIRST + n, name("Awa", n), name("Diallo", n), "nouvelle") for n in range(PEOPLE)
    ]
    # Side by side: many updates were under way at once (one at a time before).
    assert slow.processor.peak_running >= PEOPLE // 2, slow.processor.peak_running
    assert slow.processor.waiting_chains() == 0  # nothing left in memory


async def test_a_burst_from_each_person_is_handled_in_the_order_sent(slow: SlowBot) -> None:
    chats = [slow.chat(FIRST + n, f"P{n}") for n in range(20)]

    async def reach_first_name(chat: Chat) -> None:
        await chat.send("/start")
        await play(chat, [("tap", label) for _, label in _probable()])
        await chat.tap("Continuer")
        await play(chat, [NEEDS_SKIPPED, ("tap", "Atelier bois"), ("tap", "Valider mes choix")])
        await chat.tap("Tout de suite")

    await asyncio.gather(*(reach_first_name(chat) for chat in chats))
    # Each person types her first and last names without waiting for the bot; everyone at
    # the same moment.
    await asyncio.gather(
        *(
            send
            for n, chat in enumerate(chats)
            for send in (chat.send(name("Awa", n)), chat.send(name("Diallo", n)))
        )
    )
    for n, chat in enumerate(chats):
        draft = slow.store.active_application(chat.user_id)
        assert draft is not None
        assert (draft.answers.get("prenom"), draft.answers.get("nom")) == (
            name("Awa", n),
            name("Diallo", n),
        )


def _probable() -> list[tuple[str, str]]:
    from tests.journeys import PROBABLE

    return PROBABLE


async def test_fifty_people_tap_the_last_seat_at_once(slow: SlowBot) -> None:
    slot = add_slot(slow, seats=1)
    other = add_slot(slow, days=6)
    chats = [slow.chat(FIRST + n, f"Personne{n}") for n in range(PEOPLE)]
    await asyncio.gather(*(reach_rendez_vous(chat, name("Awa", n)) for n, chat in enumerate(chats)))
    await asyncio.gather(*(chat.tap(label(slot)) for chat in chats))
    assert slow.store.slot(slot.id).taken == 1
    holders = [
        chat
        for chat in chats
        if (draft := slow.store.active_application(chat.user_id)) is not None
        and slow.store.active_booking(draft.id) is not None
    ]
    assert len(holders) == 1
    for chat in chats:
        if chat is not holders[0]:
            assert "cette date est complète" in chat.last.text
            assert label(other) in chat.buttons()


async def test_fifty_staff_members_decide_one_application_once(slow: SlowBot) -> None:
    slow.settings = make_settings(
        slow.settings.database.parent, TREMPLIN_STAFF_IDS=staff_ids(), TREMPLIN_FLOOD_UPDATES="0"
    )
    for staff_id in staff_ids().split(","):
        slow.api.known_chat(int(staff_id))
    await slow.restart()
    candidate = await file_as(slow, FIRST, "Awa", "Diallo")
    staff = [slow.chat(FIRST + 1000 + n, f"Équipier{n}") for n in range(PEOPLE)]
    # Every staff member opens the decision on her own card (the first one opens the
    # application for all: their cards show it)...
    await staff[0].tap("✅ Accepter")
    await asyncio.gather(*(chat.tap("✅ Accepter") for chat in staff[1:]))
    presses = [(chat, *slow.api.find_button(chat.chat_id, "✅ Oui, accepter")) for chat in staff]
    before = len(candidate.texts())
    # ... and all confirm before anyone sees another's decision.
    await asyncio.gather(*(chat.tap_data(mid, data) for chat, mid, data in presses))
    application = slow.store.applications_of(FIRST)[-1]
    decisions = [
        e
        for e in slow.store.events(application.id)
        if e["action"] == "state" and e["to_state"] == "acceptee"
    ]
    assert len(decisions) == 1
    assert sum(chat.alerts[-1] == "C'est noté." for chat in staff) == 1
    assert sum(chat.alerts[-1].startswith("Déjà décidé par") for chat in staff) == PEOPLE - 1
    assert len(candidate.texts()) - before == 2  # one decision: one message (in two parts)
    assert slow.store.db.execute("SELECT count(*) FROM outbox").fetchone() == (0,)


# -- the flood budget ------------------------------------------------------------------------


@pytest.fixture
async def budgeted(tmp_path, clock: Clock) -> AsyncIterator[SlowBot]:  # type: ignore[no-untyped-def]
    settings: Settings = make_settings(tmp_path)  # the production budget: 20 in 10 s
    harness = SlowBot(settings=settings, api=LocalBotApi(), clock=clock)
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()


async def test_a_flood_is_answered_once_and_dropped_and_others_are_not_held_up(
    budgeted: SlowBot, caplog: pytest.LogCaptureFixture
) -> None:
    bot = budgeted
    flooder, newcomer = bot.chat(FIRST, "Flot"), bot.chat(FIRST + 1, "Awa")
    with caplog.at_level(logging.WARNING, logger="bot.core.processor"):
        flood = [asyncio.ensure_future(flooder.send(f"message {n}")) for n in range(400)]
        await asyncio.sleep(0)  # all 400 are in before the newcomer
        started = time.monotonic()
        await newcomer.send("/start")
        waited = time.monotonic() - started
        await asyncio.gather(*flood)
    # A few of her messages were answered (at most 5 wait at once, 20 in 10 s); the others
    # dropped, with one kind word.
    assert sum(t == SLOW_DOWN for t in flooder.texts()) == 1
    assert bot.processor.throttled >= 380
    assert len(flooder.texts()) <= 21
    # Those queued before her flood was seen are dropped with it, not answered one by one
    # ahead of everyone (only the one already running is).
    assert len([t for t in flooder.texts() if t != SLOW_DOWN]) <= 2, flooder.texts()
    # The newcomer waited for no one's queue: about one update's Bot API calls.
    assert "Bonjour" in newcomer.texts()[0]
    assert waited < 40 * DELAY + 1.0, waited
    # Logged without anything personal: no name, no text.
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.core.processor"]
    assert len(logged) == 1
    assert "Flot" not in logged[0] and "message 2" not in logged[0]
    assert str(FIRST) not in logged[0]
    # Memory follows what is waiting: nothing is kept once it is done.
    assert bot.processor.waiting_chains() == 0


async def test_the_twenty_first_message_in_ten_seconds_gets_a_kind_word(budgeted: SlowBot) -> None:
    person = budgeted.chat(FIRST, "Awa")
    for n in range(20):
        answered = await person.send(f"bonjour {n}")
        assert answered and SLOW_DOWN not in [m.text for m in answered]
    assert [m.text for m in await person.send("encore")] == [SLOW_DOWN]
    assert await person.send("et encore") == []  # told once


async def test_the_budget_comes_back_and_staff_are_never_held_back(budgeted: SlowBot) -> None:
    bot = budgeted
    person = bot.chat(FIRST, "Awa")
    await asyncio.gather(*(person.send(f"m{n}") for n in range(25)))
    assert person.texts().count(SLOW_DOWN) == 1
    budget = bot.processor.budget
    assert budget is not None
    budget.clock = lambda: time.monotonic() + 11  # ten seconds later
    answered = await person.send("/start")
    assert answered and answered[-1].text != SLOW_DOWN
    staff = bot.chat(STAFF_ID, "Nadia")
    await asyncio.gather(*(staff.send("/aide") for _ in range(40)))
    assert SLOW_DOWN not in staff.texts()
    assert len(staff.texts()) >= 40
