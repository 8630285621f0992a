"""What every handler needs, built once at start and kept in `application.bot_data`."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from telegram.ext import Application, CallbackContext

from bot.core import i18n
from bot.core.backup import BackupPlan
from bot.core.dialog_types import Dialogs
from bot.core.dialogs import JOURNEY
from bot.core.settings import Settings

if TYPE_CHECKING:
    # The store the app assembles from every feature's mixin (bot/store.py): a type for
    # mypy only, never imported at run time, so the core stays below the features.
    from bot.store import Store

KEY = "tremplin"

# The store's class is assembled on the top floor from every feature's mixin (bot/store.py),
# which hands it here when imported: a feature's command opens the database with
# `open_store`, never by importing the app (the floors, issue #24).
_assembled: list[type[Store]] = []


def assemble_store(store_class: type[Store]) -> None:
    """Called once by bot/store.py: the class `open_store` opens."""
    _assembled[:] = [store_class]


def open_store(database: Path | str, *, backups: BackupPlan | None = None) -> Store:
    """The database opened with every feature's tables and queries (bot/store.py)."""
    if not _assembled:
        raise RuntimeError("the app has not assembled the store: import bot.store first")
    return _assembled[0].open(database, backups=backups)


@dataclass(slots=True)
class Services:
    settings: Settings
    store: Store
    # The journey's dialogs: the version in use for the update being handled (`refresh`).
    dialogs: Dialogs
    clock: Callable[[], datetime]
    # The staff's command menu, gathered from every feature (bot/features.py).
    staff_commands: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        i18n.set_identity(self.dialogs.structure.identity())

    def refresh(self) -> None:
        """Take the journey's running version (read again if a file changed; the last good
        one while an edit is broken). Called once at the start of each update (bot/core/
        polling.py). Updates of different chats now run side by side (bot/core/processor.py):
        an update under way while dialogs/journey.toml is edited may read the new version
        from its next step on; only the moment of an edit is concerned. Jobs (the drafts'
        nudge) use the version of the last update."""
        dialogs = JOURNEY.live(self.settings.dialogs_dir)
        if dialogs is not self.dialogs:  # structure.toml may have changed: {structure}…
            i18n.set_identity(dialogs.structure.identity())
        self.dialogs = dialogs


def services(context: CallbackContext | Application) -> Services:  # type: ignore[type-arg]
    application = context if isinstance(context, Application) else context.application
    return application.bot_data[KEY]  # type: ignore[no-any-return]


def in_language_of(svc: Services, user_id: int) -> AbstractContextManager[None]:
    """Texts and dates for this person, whoever's update or job is being processed (a
    decision sent from a staff member's tap, a reminder sent by a job)."""
    return i18n.use(svc.store.language_of(user_id))
