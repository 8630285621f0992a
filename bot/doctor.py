"""`python -m bot doctor`: checks a live setup and says in plain words what is wrong.

The token (getMe), the staff (set, and each one has opened the bot: getChat), the staff group
(it exists and the bot may post there: sendChatAction, which shows nothing), what candidates
need from `dialogs/structure.toml` (phone, hours), the database (integrity, free disk, private
folder), the last backup's age, and the webhook when one is set (getWebhookInfo).
Exit 0 when all is well, 1 otherwise.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import stat
from dataclasses import dataclass, field
from datetime import timedelta

from telegram import Bot
from telegram.error import Forbidden, InvalidToken, NetworkError, TelegramError

from bot.checks import warnings_of
from bot.core.reliability import integrity_of_file
from bot.core.settings import Settings
from bot.core.store import utcnow
from bot.core.telegram_bot import make_bot
from bot.maintenance.backups import last_backup

BACKUP_TOO_OLD = timedelta(hours=36)


@dataclass
class Report:
    good: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [f"OK       {line}" for line in self.good] + [
            f"PROBLEM  {line}" for line in self.problems
        ]


def diagnose(settings: Settings) -> Report:
    report = Report()
    asyncio.run(_telegram(settings, report))
    _structure(settings, report)
    _database(settings, report)
    return report


async def _telegram(settings: Settings, report: Report) -> None:
    if settings.token is None:
        report.problems.append(
            "TELEGRAM_BOT_TOKEN is not set: ask @BotFather for the bot's token and put it in "
            "the settings file."
        )
        return
    bot = make_bot(
        token=settings.token,
        base_url=settings.api_url,
        base_file_url=settings.api_file_url,
        request=None,
    )
    try:
        async with bot:  # initialize() calls getMe
            report.good.append(f"the token works: the bot is @{bot.username}")
            await _staff(bot, settings, report)
            await _webhook(bot, settings, report)
    except InvalidToken:
        report.problems.append(
            "Telegram refuses TELEGRAM_BOT_TOKEN: copy it again from @BotFather (/mybots)."
        )
    except NetworkError as error:
        report.problems.append(
            f"cannot reach Telegram at {settings.api_url} ({type(error).__name__}): "
            "check the server's internet access."
        )


async def _staff(bot: Bot, settings: Settings, report: Report) -> None:
    if not settings.staff_ids:
        report.problems.append(
            "TREMPLIN_STAFF_IDS is empty: nobody receives the applications. Put the staff's "
            "Telegram user ids there (each can find theirs with /whoami)."
        )
    for staff_id in sorted(settings.staff_ids):
        try:
            await bot.get_chat(staff_id)
            report.good.append(f"staff member {staff_id} can be reached")
        except TelegramError:
            report.problems.append(
                f"staff member {staff_id} cannot be reached: they must open the bot in "
                "Telegram and tap Start (or the id is wrong)."
            )
    chat_id = settings.staff_chat_id
    if chat_id is None:
        return
    try:
        await bot.get_chat(chat_id)
        await bot.send_chat_action(chat_id, "typing")
        report.good.append(f"the staff group {chat_id} exists and the bot may post there")
    except Forbidden:
        report.problems.append(
            f"the bot may not post in the staff group {chat_id}: add it to the group "
            "(and let members send messages)."
        )
    except TelegramError:
        report.problems.append(
            f"the staff group {chat_id} is not found: check TREMPLIN_STAFF_CHAT_ID (often "
            "negative, -100…) and that the bot is a member."
        )


async def _webhook(bot: Bot, settings: Settings, report: Report) -> None:
    if settings.webhook_url is None:
        return
    info = await bot.get_webhook_info()
    if info.url != settings.webhook_url:
        report.problems.append(
            f"Telegram's webhook is {info.url or 'not set'}, not TREMPLIN_WEBHOOK_URL "
            f"({settings.webhook_url}): start the bot, which sets it."
        )
    elif info.last_error_message:
        report.problems.append(
            f"Telegram cannot deliver to the webhook: {info.last_error_message} "
            f"({info.pending_update_count} update(s) waiting). Check the reverse proxy."
        )
    else:
        report.good.append(f"the webhook {info.url} is set and delivers")


def _structure(settings: Settings, report: Report) -> None:
    warnings = warnings_of(settings)
    report.problems += warnings
    if not warnings:
        report.good.append("structure.toml gives candidates a phone number and opening hours")


def _database(settings: Settings, report: Report) -> None:
    database = settings.database
    if not database.exists():
        report.problems.append(
            f"the database {database} does not exist yet: start the bot once (or check "
            "TREMPLIN_DATABASE)."
        )
    else:
        verdict = integrity_of_file(database)
        if verdict == "ok":
            report.good.append(f"the database {database} passes its integrity check")
        else:
            report.problems.append(
                f"the database {database} is damaged ({verdict}): restore the last backup "
                "(README, Backups and restore)."
            )
        mode = stat.S_IMODE(os.stat(database.parent).st_mode)
        if mode & 0o077:
            report.problems.append(
                f"the folder {database.parent} can be read by other users (mode {mode:o}): "
                f"chmod 700 {database.parent}"
            )
        free_mb = shutil.disk_usage(database.parent).free // (1024 * 1024)
        if free_mb < settings.disk_min_free_mb:
            report.problems.append(f"only {free_mb} MB free on the database's disk")
        else:
            report.good.append(f"{free_mb} MB free on the database's disk")
    last = last_backup(settings)
    folder = settings.backup_plan.folder
    if last is None:
        report.problems.append(
            f"no backup in {folder} yet: the bot writes one a minute after it starts, or run "
            "python -m bot backup"
        )
    elif utcnow() - last > BACKUP_TOO_OLD:
        hours = int((utcnow() - last).total_seconds() // 3600)
        report.problems.append(
            f"the last backup in {folder} is {hours} hours old: is the bot running? "
            "(python -m bot backup writes one now)"
        )
    else:
        report.good.append(f"the last backup ({last:%Y-%m-%d %H:%M} UTC) is recent")
