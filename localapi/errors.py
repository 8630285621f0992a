"""Errors and limits of the Bot API, worded as Telegram words them."""

from __future__ import annotations

import logging
from typing import Any

_LOGGER = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"


class BotApiError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        message = f"{code} {description}"
        super().__init__(message)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """The response body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(reason: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {reason}")
