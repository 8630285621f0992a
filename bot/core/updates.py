"""Turning the Bot API's JSON into updates without ever failing on one.

python-telegram-bot refuses some updates that a server may well send: a poll without the
`persistent_id` Bot API 9.6 made required, say. Refusing one inside getUpdates would stop
every update behind it, and a webhook would answer 500 and get it again forever. An update
that does not parse keeps what every message has (chat, sender, date), so the person gets the
kind answer to a message the bot cannot read; anything else is acknowledged and dropped.
"""

from __future__ import annotations

import logging
from typing import Any

from telegram import Bot, Update

log = logging.getLogger(__name__)

# The keys of an update that carry a message, and what of a message the bot can always read.
MESSAGE_KINDS = (
    "message",
    "edited_message",
    "channel_post",
    "edited_channel_post",
    "business_message",
    "edited_business_message",
)
ENVELOPE = ("message_id", "date", "chat", "from", "message_thread_id", "sender_chat")


def parse_update(data: dict[str, Any], bot: Bot) -> Update:
    """The update in `data`, parsed once; when python-telegram-bot cannot read it, the part
    of it that it can (see `readable`)."""
    try:
        return Update.de_json(data, bot)
    except Exception as error:  # any shape a server sends: never stop the others
        _unreadable(data, error)
    return Update.de_json(_fallback(data, bot), bot)


def readable(data: dict[str, Any], bot: Bot) -> dict[str, Any]:
    """`data` itself when python-telegram-bot can read it, else the part of it that it can."""
    try:
        Update.de_json(data, bot)
        return data
    except Exception as error:  # any shape a server sends: never stop the others
        _unreadable(data, error)
    return _fallback(data, bot)


def _unreadable(data: dict[str, Any], error: Exception) -> None:
    # By type only: the update holds personal data.
    log.warning("update %s could not be read (%s)", data.get("update_id"), type(error).__name__)


def _fallback(data: dict[str, Any], bot: Bot) -> dict[str, Any]:
    """What every message has (chat, sender, date), or the bare update id."""
    fallback: dict[str, Any] = {"update_id": data.get("update_id", 0)}
    for kind in MESSAGE_KINDS:
        message = data.get(kind)
        if isinstance(message, dict):
            fallback[kind] = {key: message[key] for key in ENVELOPE if key in message}
            break
    try:
        Update.de_json(fallback, bot)
    except Exception:
        return {"update_id": data.get("update_id", 0)}
    return fallback


class QuietWebhookLog(logging.Filter):
    """python-telegram-bot's webhook logs a refused update with its whole JSON; keep the
    line, drop the data (it is personal)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.msg = "an update posted to the webhook could not be processed"
            record.args = ()
            record.exc_info = None
        return True
