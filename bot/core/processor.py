"""Updates side by side across chats, in arrival order within a chat and within a person's
updates, and a per-person budget so that one flood cannot hold up the others.

python-telegram-bot's `BaseUpdateProcessor` is the hook for this (`ApplicationBuilder.
concurrent_updates(processor)`): both polling (bot/core/polling.py) and the webhook hand every
update to it. Its own bound is taken *before* `do_process_update` runs (PTB makes
`process_update` final), so it cannot be the concurrency bound here: 64 updates of one person
waiting for each other would fill it and hold up everyone else. It is only a ceiling on what
may wait in memory (`max_pending`); the real bound (`max_concurrent`, default 64) is taken
after an update's turn has come in its chat.

Order: each chat and each person has a chain; an update waits for the one before it in each
of its chains, so updates of one chat (and a staff member acting from a group and privately)
run one after another in arrival order, never two at once. Chains are dropped as soon as they
are empty: memory follows what is waiting, not how many people ever wrote.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

# Called once when a person goes over budget (the kind "Doucement…" answer); not awaited in
# the person's chain, so it never waits behind her own queue.
OnThrottled = Callable[[Update], Coroutine[Any, Any, None]]


class FloodBudget:
    """At most `updates` per person in any `seconds`; beyond, her updates are refused until
    the window has room again (a refused update does not count). Pure bookkeeping (no
    Telegram): `allow` says yes or no, and `first_refusal` whether to tell her (once per
    flood)."""

    def __init__(
        self,
        updates: int = 20,
        seconds: float = 10.0,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.updates, self.seconds, self.clock = updates, seconds, clock
        self._seen: dict[int, deque[float]] = {}
        self._told: set[int] = set()
        self._cooling: dict[int, float] = {}  # person -> refused until (after a refusal)
        self._checks = 0

    def allow(self, user_id: int) -> bool:
        now = self.clock()
        self._checks += 1
        if self._checks % 1000 == 0:
            self._forget_quiet(now)
        if self._cooling.get(user_id, now) > now:
            return False
        seen = self._seen.get(user_id)
        if seen is None:
            seen = self._seen[user_id] = deque(maxlen=self.updates)
        while seen and now - seen[0] >= self.seconds:
            seen.popleft()
        if len(seen) < self.updates:
            seen.append(now)
            self._told.discard(user_id)
            self._cooling.pop(user_id, None)
            return True
        return False

    def first_refusal(self, user_id: int) -> bool:
        """True for the first refused update of a flood (tell the person once); her next
        updates are refused for `seconds` from then, so that a flood is dropped as a whole
        rather than let through a few at a time ahead of everyone else."""
        if user_id in self._told:
            return False
        self._told.add(user_id)
        self._cooling[user_id] = self.clock() + self.seconds
        return True

    def cooling(self, user_id: int) -> bool:
        """Her flood is being dropped (from its first refusal, for `seconds`)."""
        return self._cooling.get(user_id, 0.0) > self.clock()

    def _forget_quiet(self, now: float) -> None:
        """People with nothing in their window: forgotten (memory stays bounded)."""
        for user_id in [u for u, s in self._seen.items() if not s or now - s[-1] >= self.seconds]:
            del self._seen[user_id]
            self._told.discard(user_id)
        for user_id in [u for u, until in self._cooling.items() if until <= now]:
            del self._cooling[user_id]

    def __len__(self) -> int:
        return len(self._seen)


class OrderedUpdateProcessor(BaseUpdateProcessor):
    """Side by side across chats, in order within a chat and a person; see the module."""

    def __init__(
        self,
        max_concurrent: int = 64,
        *,
        max_pending: int = 4096,
        budget: FloodBudget | None = None,
        max_queued: int = 5,
        exempt: Callable[[int], bool] = lambda user_id: False,
        on_throttled: OnThrottled | None = None,
    ) -> None:
        super().__init__(max(max_pending, max_concurrent))
        self.max_concurrent = max_concurrent
        self.budget = budget
        self.max_queued = max_queued
        self._queued: dict[int, int] = {}  # person -> her updates waiting or running
        self.exempt = exempt
        self.on_throttled = on_throttled
        #: Called with each update once done with, processed or dropped (the webhook's
        #: inbox, bot/core/polling.py: polling keeps its own count).
        self.finished: Callable[[object], None] | None = None
        self._running = asyncio.Semaphore(max_concurrent)
        self._tails: dict[tuple[str, int], asyncio.Future[None]] = {}
        self._notices: set[asyncio.Task[None]] = set()
        self.throttled = 0  # how many updates were refused (for logs and the benchmark)
        self.running = 0  # updates being processed now, and the most there ever were
        self.peak_running = 0

    def waiting_chains(self) -> int:
        """Chats and people with an update running or waiting (memory in use)."""
        return len(self._tails)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        # Everything up to the first `await` runs in arrival order (PTB starts the tasks in
        # that order): the budget is checked and the place in each chain taken here.
        keys: list[tuple[str, int]] = []
        if isinstance(update, Update):
            user, chat = update.effective_user, update.effective_chat
            if user is not None and self._over_budget(update, user.id):
                if isinstance(coroutine, Coroutine):
                    coroutine.close()  # dropped, never started (and acknowledged as done)
                self._finished(update)
                return
            if user is not None:
                self._queued[user.id] = self._queued.get(user.id, 0) + 1
            if chat is not None:
                keys.append(("chat", chat.id))
            if user is not None and (chat is None or chat.id != user.id):
                keys.append(("user", user.id))
        before = [self._tails[key] for key in keys if key in self._tails]
        mine: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        for key in keys:
            self._tails[key] = mine
        try:
            for previous in before:
                await asyncio.shield(previous)
            if self._flood_began_meanwhile(update):
                # Queued before her flood was seen, not started yet: dropped with the flood
                # (she was told once), so that the polling offset is not held by it.
                if isinstance(coroutine, Coroutine):
                    coroutine.close()
                return
            async with self._running:
                self.running += 1
                self.peak_running = max(self.peak_running, self.running)
                try:
                    await coroutine
                finally:
                    self.running -= 1
        finally:
            mine.set_result(None)
            self._finished(update)
            for key in keys:
                if self._tails.get(key) is mine:
                    del self._tails[key]
            if isinstance(update, Update) and update.effective_user is not None:
                user_id = update.effective_user.id
                left = self._queued.get(user_id, 1) - 1
                if left > 0:
                    self._queued[user_id] = left
                else:
                    self._queued.pop(user_id, None)

    def _finished(self, update: object) -> None:
        if self.finished is not None:
            try:
                self.finished(update)
            except Exception as error:  # it must never stop the updates
                log.error("an update's end was not recorded: %s", type(error).__name__)

    def _flood_began_meanwhile(self, update: object) -> bool:
        if self.budget is None or not isinstance(update, Update):
            return False
        user = update.effective_user
        return user is not None and not self.exempt(user.id) and self.budget.cooling(user.id)

    def _over_budget(self, update: Update, user_id: int) -> bool:
        """Over her budget, or already `max_queued` updates waiting: dropped, not queued
        ahead of everyone else (the polling offset waits for the oldest update unfinished)."""
        if self.budget is None or self.exempt(user_id):
            return False
        queued = self._queued.get(user_id, 0) >= self.max_queued
        if not queued and self.budget.allow(user_id):
            return False
        self.throttled += 1
        if self.budget.first_refusal(user_id):
            # No personal data: the update's id only.
            log.warning(
                "a person sent over %d updates in %.0f s or %d at once: update %s and the "
                "next ones dropped",
                self.budget.updates,
                self.budget.seconds,
                self.max_queued,
                update.update_id,
            )
            if self.on_throttled is not None:
                task = asyncio.get_running_loop().create_task(self.on_throttled(update))
                self._notices.add(task)
                task.add_done_callback(self._notices.discard)
        return True

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        if self._notices:
            await asyncio.gather(*self._notices, return_exceptions=True)
