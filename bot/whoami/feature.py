"""/whoami's part of the bot: one command, answered to anyone."""

from __future__ import annotations

from telegram.ext import CommandHandler, filters

from bot.core.feature import Feature, TelegramApp
from bot.whoami.handlers import whoami


def register(application: TelegramApp) -> None:
    application.add_handler(CommandHandler("whoami", whoami, filters=filters.UpdateType.MESSAGE))


FEATURE = Feature(name="whoami", register=register)
