"""An in-process stand-in for the Telegram Bot API.

A development package at the top of the repository: the wheel does not carry it (only `bot/`
ships), and nothing in `bot/` imports it but the terminal demo, when it starts.

Used by the terminal demo, by the test suite (through :class:`LocalRequest`, plugged into a
python-telegram-bot ``Application``) and by subprocess tests (through :class:`LocalBotApiServer`,
a real HTTP server). It answers like Telegram does — same JSON shapes, same error descriptions —
and keeps what each chat "sees", so tests can assert on the conversation rather than on mocks.

Faithfulness matters more than completeness: every check implemented here mirrors a rejection
real Telegram makes (HTML that does not parse, callback data over 64 bytes, editing a message
into itself, ...), because those are exactly the bugs that only show up in production.
"""

from localapi.api import LocalBotApi
from localapi.chat import Chat
from localapi.errors import BotApiError
from localapi.formatting import format_text, parse_html, parse_markdown, parse_markdown_v2
from localapi.messages import SentMessage, UploadedFile
from localapi.params import normalise_params
from localapi.request import LocalRequest
from localapi.server import LocalBotApiServer

__all__ = [
    "BotApiError",
    "Chat",
    "LocalBotApi",
    "LocalBotApiServer",
    "LocalRequest",
    "SentMessage",
    "UploadedFile",
    "format_text",
    "normalise_params",
    "parse_html",
    "parse_markdown",
    "parse_markdown_v2",
]
