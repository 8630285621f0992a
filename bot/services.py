"""What every handler needs, built once at start and kept in `application.bot_data`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime

from telegram.ext import Application, CallbackContext

from bot.core import i18n
from bot.core.settings import Settings
from bot.journey.dialog_types import Dialogs
from bot.journey.dialogs import JOURNEY
from bot.store import Store

KEY = "tremplin"


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    # The journey's dialogs: the version in use for the update being handled (`refresh`).
    dialogs: Dialogs
    clock: Callable[[], datetime]
    # The staff's command menu, gathered from every feature (bot/features.py).
    staff_commands: tuple[tuple[str, str], ...] = ()

    def refresh(self) -> None:
        """Take the journey's running version (read again if a file changed; the last good
        one while an edit is broken). Called once at the start of each update (bot/core/
        polling.py). Updates of different chats now run side by side (bot/core/processor.py):
        an update under way while dialogs/journey.toml is edited may read the new version
        from its next step on; only the moment of an edit is concerned. Jobs (the drafts'
        nudge) use the version of the last update."""
        self.dialogs = JOURNEY.live(self.settings.dialogs_dir)


def services(context: CallbackContext | Application) -> Services:  # type: ignore[type-arg]
    application = context if isinstance(context, Application) else context.application
    return application.bot_data[KEY]  # type: ignore[no-any-return]


def in_language_of(svc: Services, user_id: int) -> AbstractContextManager[None]:
    """Texts and dates for this person, whoever's update or job is being processed (a
    decision sent from a staff member's tap, a reminder sent by a job)."""
    return i18n.use(svc.store.language_of(user_id))
