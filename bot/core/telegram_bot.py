"""The bot object: python-telegram-bot's ExtBot with answers to callback queries made
harmless when they come too late, and Telegram's answers that nobody reads left unparsed.

After a crash, Telegram redelivers a button press that the previous process had already
answered; answering again fails ("query is too old"). That must not stop the handler from
doing the work the press asks for, so the failure is logged and ignored here, in one place.
"""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import sys
from collections.abc import Callable, Container
from typing import Any, cast

from telegram import (
    Bot,
    CallbackQuery,
    ForceReply,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest
from telegram.ext import ExtBot
from telegram.request import BaseRequest, HTTPXRequest

from bot.core.updates import parse_update, readable

log = logging.getLogger(__name__)

ReplyMarkup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | ForceReply

STALE_QUERY = ("query is too old", "query id is invalid")

# Telegram answers an edit with the whole edited message. Nothing here reads it, and turning
# it into a `Message` (keyboard included) cost a tenth of a millisecond per button press
# (bench/): such edits return True, as the Bot API itself does for inline messages.
UNREAD_RESULTS = frozenset({"editMessageText", "editMessageReplyMarkup"})

# Calls on their way at once, and connections to the Bot API kept open. Each update waits
# for its calls one after the other, so with 50 ms a round trip the calls in flight, not
# the CPU, bounded a room: 16 carried 70 updates a second for 100 people tapping at once,
# 128 carry 130 (bench/). Telegram's own limits are kept by the rate limiter, not here.
CONNECTIONS = 128
# Split among small pools, each its own httpx client: httpcore's pool scans grow with its
# connections times the requests waiting (256 in one pool cost a dozen milliseconds of CPU
# per update with 60 people at once), so sixteen pools of eight stay cheap (bench/).
POOLS = 16


class ShardedRequest(BaseRequest):
    """Bot API calls spread over a few small httpx pools, each call to the least busy one."""

    def __init__(self, pools: int = POOLS, connections: int = CONNECTIONS) -> None:
        size = max(1, connections // pools)
        self._pools = [
            HTTPXRequest(connection_pool_size=size, pool_timeout=30.0) for _ in range(pools)
        ]
        self._busy = [0] * pools

    @property
    def read_timeout(self) -> float | None:
        return self._pools[0].read_timeout

    async def initialize(self) -> None:
        for pool in self._pools:
            await pool.initialize()

    async def shutdown(self) -> None:
        for pool in self._pools:
            await pool.shutdown()

    async def do_request(
        self, url: str, method: str, *args: Any, **kwargs: Any
    ) -> tuple[int, bytes]:
        index = self._busy.index(min(self._busy))
        self._busy[index] += 1
        try:
            return await self._pools[index].do_request(url, method, *args, **kwargs)
        finally:
            self._busy[index] -= 1


class TransactionOpenError(RuntimeError):
    """A Bot API call was made with a database transaction open: other updates, processed
    meanwhile on the same connection, would write into it (bot/core/processor.py)."""


class TremplinBot(ExtBot):  # type: ignore[type-arg]
    #: Updates getUpdates sends again while they are still being processed, or done but not
    #: yet acknowledged (bot/core/polling.py): dropped before they are parsed.
    skip_update_ids: Container[int] = frozenset()
    #: True while the database has a transaction open (set by `build_application`).
    in_transaction: Callable[[], bool] = staticmethod(lambda: False)
    _in_flight: asyncio.Semaphore | None = None

    def _calls(self) -> asyncio.Semaphore:
        """At most CONNECTIONS calls on their way at once: the others wait here, in order,
        rather than in httpcore's pool, whose every request and answer scans all waiting
        requests against all connections (a quarter of the bot's time with 60 waiting)."""
        if self._in_flight is None:
            with self._unfrozen():
                self._in_flight = asyncio.Semaphore(CONNECTIONS)
        return self._in_flight

    def watch(
        self,
        *,
        in_transaction: Callable[[], bool] | None = None,
        skip_update_ids: Container[int] | None = None,
    ) -> None:
        """Set `in_transaction` or `skip_update_ids` (the bot is frozen after its init)."""
        with self._unfrozen():
            if in_transaction is not None:
                self.in_transaction = in_transaction
            if skip_update_ids is not None:
                self.skip_update_ids = skip_update_ids

    async def answer_callback_query(self, *args: Any, **kwargs: Any) -> bool:
        try:
            return await super().answer_callback_query(*args, **kwargs)
        except BadRequest as error:
            if any(part in str(error).lower() for part in STALE_QUERY):
                log.info("a callback query was too old to answer; going on")
                return False
            raise

    async def _post(self, endpoint: str, *args: Any, **kwargs: Any) -> Any:
        if self.in_transaction():
            # Never across an `await`: the transaction would take in other updates' writes.
            raise TransactionOpenError(f"{endpoint} called inside a database transaction")
        if endpoint == "getUpdates":
            result = await super()._post(endpoint, *args, **kwargs)
        else:
            async with self._calls():
                result = await super()._post(endpoint, *args, **kwargs)
        if endpoint in UNREAD_RESULTS and isinstance(result, dict):
            return True
        if endpoint == "getUpdates" and isinstance(result, list):
            skip = self.skip_update_ids
            # One update python-telegram-bot cannot read must not stop those behind it.
            return [
                readable(update, self)
                for update in result
                if not isinstance(update, dict) or update.get("update_id") not in skip
            ]
        return result

    async def fetch_updates(
        self,
        *,
        offset: int | None,
        timeout: int,
        limit: int,
        allowed_updates: list[str],
    ) -> tuple[list[tuple[Update, dict[str, Any]]], int | None]:
        """getUpdates: each update not in `skip_update_ids`, parsed once and kept with its
        JSON (bot/core/polling.py writes it to the inbox), and the highest id Telegram sent
        (skipped ones included: the next offset passes them too). `get_updates` would parse
        the whole batch at once, so one update python-telegram-bot cannot read would stop
        those behind it."""
        data = {
            "offset": offset,
            "timeout": timeout,
            "limit": limit,
            "allowed_updates": allowed_updates,
        }
        # As `get_updates` does: a long poll may take `timeout` seconds more to answer.
        read_timeout = (self._request[0].read_timeout or 0) + timeout
        if self.in_transaction():
            raise TransactionOpenError("getUpdates called inside a database transaction")
        result = await super()._post("getUpdates", data, read_timeout=read_timeout)
        skip = self.skip_update_ids
        fetched, highest = [], None
        for raw in result if isinstance(result, list) else []:
            update_id = raw.get("update_id") if isinstance(raw, dict) else None
            if not isinstance(update_id, int):
                continue
            highest = update_id if highest is None else max(highest, update_id)
            if update_id in skip:
                continue
            update = parse_update(raw, self)
            self.insert_callback_data(update)
            fetched.append((update, raw))
        return fetched, highest

    async def say(self, chat_id: int, text: str, *, reply_markup: ReplyMarkup | None = None) -> int:
        """`send_message`, returning only the new message's id: turning Telegram's answer into
        a `Message` costs about 0.1 ms, for an object the journey never reads."""
        # `_post` is the path every `send_*` method takes: defaults, rate limiter, errors.
        result = await self._post(
            "sendMessage", {"chat_id": chat_id, "text": text, "reply_markup": reply_markup}
        )
        return int(result["message_id"])

    async def edit_text(
        self,
        chat_id: int,
        message_id: int,
        text: str,
        *,
        reply_markup: InlineKeyboardMarkup | None = None,
    ) -> None:
        """`edit_message_text` by the shortest path: the journey edits a message at every
        button press, and the shortcut chain (query → message → bot) costs tens of µs."""
        await self._post(
            "editMessageText",
            {
                "chat_id": chat_id,
                "message_id": message_id,
                "text": text,
                "reply_markup": reply_markup,
            },
        )


def _ours(bot: Bot) -> TremplinBot:
    return cast(TremplinBot, bot)  # `build_application` makes every bot a TremplinBot


async def edit_text(
    query: CallbackQuery, text: str, *, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """`query.edit_message_text(text)` by the bot's shortest path."""
    message = query.message
    if message is None:  # a message sent inline: only its inline id can edit it
        await query.edit_message_text(text, reply_markup=reply_markup)
        return
    await _ours(query.get_bot()).edit_text(
        message.chat.id, message.message_id, text, reply_markup=reply_markup
    )


async def send_text(
    bot: Bot, chat_id: int, text: str, *, reply_markup: ReplyMarkup | None = None
) -> int:
    """`bot.send_message`, without parsing Telegram's answer (see `TremplinBot.say`)."""
    return await _ours(bot).say(chat_id, text, reply_markup=reply_markup)


async def reply(message: Message, text: str, *, reply_markup: ReplyMarkup | None = None) -> int:
    """`message.reply_text(text)` in a private chat, without parsing Telegram's answer."""
    return await send_text(message.get_bot(), message.chat_id, text, reply_markup=reply_markup)


async def edit_or_reply(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None
) -> Message | None:
    """Replace the tapped message; a message that cannot be edited gets a new one instead.
    Returns the message that shows the text now (None when unknown)."""
    shown = query.message if isinstance(query.message, Message) else None
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as error:
        if "not modified" in str(error).lower() or shown is None:
            return shown
        return await shown.reply_text(text, reply_markup=markup)
    return shown


async def send_or_edit(
    source: CallbackQuery | Message,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | None,
) -> None:
    """Answer a button by editing its message (a new message when it cannot be edited, or
    when the markup is a reply keyboard), or typed text by a new message."""
    if isinstance(source, CallbackQuery):
        if not isinstance(markup, ReplyKeyboardMarkup):
            try:
                await edit_text(source, text, reply_markup=markup)
                return
            except BadRequest as error:
                if "not modified" in str(error).lower():
                    return
                # The message is too old to edit, or gone: send a new one instead.
        if isinstance(source.message, Message):
            await reply(source.message, text, reply_markup=markup)
        return
    await reply(source, text, reply_markup=markup)


def _no_sniffio_search() -> None:
    """httpcore asks `import sniffio` at every request and lock; without sniffio installed
    (anyio 4 no longer needs it) each failed import searches the whole sys.path: about a
    millisecond per Bot API call, a sixth of the bot's time in a room of 30 (bench/). Marked
    missing once here (Python's documented `sys.modules[name] = None`), httpcore assumes
    asyncio, which is what runs."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


def make_bot(
    *,
    token: str,
    base_url: str,
    base_file_url: str,
    request: BaseRequest | None,
    rate_limiter: Any = None,
) -> TremplinBot:
    """The bot with the same network settings python-telegram-bot's builder would use."""
    _no_sniffio_search()
    return TremplinBot(
        token=token,
        base_url=base_url,
        base_file_url=base_file_url,
        request=request or ShardedRequest(),
        get_updates_request=request or HTTPXRequest(),
        rate_limiter=rate_limiter,
    )
