"""Maintenance's part of the bot: the daily retention job, `purge` and `backup`."""

from bot.core.feature import Feature, TelegramApp
from bot.maintenance import cli, retention


async def on_start(application: TelegramApp) -> None:
    retention.schedule(application)


FEATURE = Feature(
    name="maintenance", on_start=on_start, add_parsers=cli.add_parsers, check=cli.check
)
