"""Fixtures: a real Application over the in-process Bot API, a temporary database, a clock."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.app import build_application
from bot.core.services import services
from bot.core.settings import Settings, load_settings
from bot.store import Store
from localapi import Chat, LocalBotApi, LocalRequest

# Programs the tests start inherit this: a developer's .env is never read.
os.environ["TREMPLIN_ENV_FILE"] = os.devnull

STAFF_ID = 900
CANDIDATE_ID = 1001


@dataclass
class Clock:
    """A clock the tests move by hand (nudges after 24 hours, drafts deleted after 30 days)."""

    now: datetime = field(default_factory=lambda: datetime(2026, 3, 2, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Bot:
    """The bot under test: its Application, the Bot API it talks to, and its store."""

    settings: Settings
    api: LocalBotApi
    clock: Clock
    application: object = None
    rate_limit: bool = False  # as `python -m bot run`: flood control and retries

    async def start(self) -> None:
        app = build_application(
            self.settings,
            request=LocalRequest(self.api),
            clock=self.clock,
            rate_limit=self.rate_limit,
        )
        await app.initialize()
        if app.post_init:
            await app.post_init(app)
        self.application = app

    async def stop(self) -> None:
        app = self.application
        if app is not None:
            await app.shutdown()  # type: ignore[attr-defined]
            services(app).store.close()  # type: ignore[arg-type]
            self.application = None

    async def restart(self) -> None:
        """A new process on the same database file: nothing in memory survives."""
        await self.stop()
        await self.start()

    @property
    def store(self) -> Store:
        return services(self.application).store  # type: ignore[arg-type]

    def chat(
        self, user_id: int = CANDIDATE_ID, first_name: str = "Awa", *, language_code: str = "fr"
    ) -> Chat:
        return Chat(
            self.application,  # type: ignore[arg-type]
            self.api,
            user_id=user_id,
            first_name=first_name,
            language_code=language_code,
        )


def make_settings(tmp_path: Path, **extra: str) -> Settings:
    environ = {
        "TREMPLIN_DATABASE": str(tmp_path / "tremplin.sqlite3"),
        "TREMPLIN_STAFF_IDS": str(STAFF_ID),
        **extra,
    }
    return load_settings(environ)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(settings: Settings, clock: Clock) -> AsyncIterator[Bot]:
    harness = Bot(settings=settings, api=LocalBotApi(), clock=clock)
    harness.api.known_chat(STAFF_ID)
    await harness.start()
    yield harness
    await harness.stop()
