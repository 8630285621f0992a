"""An in-process stand-in for the Telegram Bot API.

Used by the terminal demo, by the test suite (through :class:`LocalRequest`, plugged into a
python-telegram-bot ``Application``) and by subprocess tests (through :class:`LocalBotApiServer`,
a real HTTP server). It answers like Telegram does — same JSON shapes, same error descriptions —
and keeps what each chat "sees", so tests can assert on the conversation rather than on mocks.

Faithfulness matters more than completeness: every check implemented here mirrors a rejection
real Telegram makes (HTML that does not parse, callback data over 64 bytes, editing a message
into itself, ...), because those are exactly the bugs that only show up in production.
"""

from bot.core.localapi.api import LocalBotApi
from bot.core.localapi.chat import Chat
from bot.core.localapi.errors import BotApiError
from bot.core.localapi.formatting import format_text, parse_html, parse_markdown, parse_markdown_v2
from bot.core.localapi.messages import SentMessage, UploadedFile
from bot.core.localapi.params import normalise_params
from bot.core.localapi.request import LocalRequest
from bot.core.localapi.server import LocalBotApiServer

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
