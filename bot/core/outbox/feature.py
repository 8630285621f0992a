"""The outbox's part of the bot: its sweep, whose first run delivers what a crash left owed."""

from bot.core.feature import Feature, TelegramApp
from bot.core.outbox import handlers


async def on_start(application: TelegramApp) -> None:
    handlers.schedule(application)


FEATURE = Feature(name="outbox", on_start=on_start)
