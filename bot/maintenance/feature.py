"""Maintenance's part of the bot: retention, backups, the watch on the database and disk,
alerts to the operators; `purge`, `backup` and `restore`."""

from bot.core.feature import Feature, TelegramApp
from bot.maintenance import alerts, backups, cli, health, retention


def register(application: TelegramApp) -> None:
    # Beside the journey's error handler (which tells the person): the operators are told.
    application.add_error_handler(alerts.on_error)


async def on_start(application: TelegramApp) -> None:
    retention.schedule(application)
    backups.schedule(application)
    await health.on_start(application)


FEATURE = Feature(
    name="maintenance",
    register=register,
    on_start=on_start,
    add_parsers=cli.add_parsers,
    check=cli.check,
)
