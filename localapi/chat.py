"""The user's side of a chat, for tests and the terminal demo."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any

from telegram import Update

from localapi.api import LocalBotApi
from localapi.messages import SentMessage

if TYPE_CHECKING:
    from telegram.ext import Application

# --------------------------------------------------------------------------------------------
# The user's side
# --------------------------------------------------------------------------------------------


class _ErrorCapture(logging.Handler):
    """Collects exceptions PTB logs when a handler fails and no error handler is registered."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


class Chat:
    """A user talking to the bot: feeds updates to ``app`` and reports what the bot did.

    Each action returns the bot messages created or edited while the update was processed
    (in this chat), in the order it happened. With ``raise_errors`` (default), an exception
    raised by a handler and not handled by an error handler of the app is re-raised here, so
    a test fails with the real traceback instead of "no reply".
    """

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        api: LocalBotApi,
        user_id: int = 1001,
        first_name: str = "Awa",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fr",
        chat_id: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        raise_errors: bool = True,
        settle_timeout: float = 5.0,
    ) -> None:
        self.app = app
        self.api = api
        self.user_id = user_id
        self.chat_id = user_id if chat_id is None else chat_id
        self.raise_errors = raise_errors
        self.settle_timeout = settle_timeout
        self._kw: dict[str, Any] = {
            "first_name": first_name,
            "language_code": language_code,
        }
        if last_name is not None:
            self._kw["last_name"] = last_name
        if username is not None:
            self._kw["username"] = username
        if chat_id is not None:
            self._kw["chat_id"] = chat_id
        if chat_type is not None:
            self._kw["chat_type"] = chat_type
        if title is not None:
            self._kw["title"] = title

    # ---------------------------------------------------------------- actions

    async def send(self, text: str, *, reply_to: int | None = None) -> list[SentMessage]:
        """Type and send ``text``."""
        return await self.feed(
            self.api.text_update(self.user_id, text, reply_to=reply_to, **self._kw)
        )

    async def tap(self, label: str) -> list[SentMessage]:
        """Tap the button labelled ``label``: inline first, else on the reply keyboard."""
        try:
            message_id, data = self.api.find_button(self.chat_id, label)
        except LookupError as inline_error:
            keyboard = self.api.reply_keyboard(self.chat_id) or {}
            for row in keyboard.get("keyboard", []):
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if text != label:
                        continue
                    if isinstance(button, dict) and button.get("request_contact"):
                        return await self.share_contact()
                    if isinstance(button, dict) and button.get("request_location"):
                        return await self.send_location()
                    return await self.send(label)
            reply_labels = SentMessage(0, 0, "text", reply_markup=keyboard).buttons()
            raise LookupError(f"{inline_error}; reply keyboard: {reply_labels}") from None
        return await self.tap_data(message_id, data)

    async def tap_data(self, message_id: int, data: str) -> list[SentMessage]:
        """Send a raw callback query (stale or forged data included)."""
        return await self.feed(self.api.callback_update(self.user_id, message_id, data, **self._kw))

    async def share_contact(
        self, phone: str = "+33612345678", own: bool = True
    ) -> list[SentMessage]:
        """Share a contact: one's own (request_contact button) or someone else's."""
        contact_user_id = self.user_id if own else self.user_id + 1_000_000
        return await self.feed(
            self.api.contact_update(
                self.user_id,
                phone,
                contact_user_id=contact_user_id,
                first_name=self._kw["first_name"],
                **{k: v for k, v in self._kw.items() if k != "first_name"},
            )
        )

    async def send_sticker(self, emoji: str = "👍") -> list[SentMessage]:
        """Send a sticker."""
        return await self.feed(self.api.sticker_update(self.user_id, emoji=emoji, **self._kw))

    async def send_photo(self, caption: str | None = None) -> list[SentMessage]:
        """Send a photo."""
        return await self.feed(self.api.photo_update(self.user_id, caption=caption, **self._kw))

    async def send_voice(self, duration: int = 3) -> list[SentMessage]:
        """Send a voice note."""
        return await self.feed(self.api.voice_update(self.user_id, duration=duration, **self._kw))

    async def send_location(
        self, latitude: float = 48.9146, longitude: float = 2.3821
    ) -> list[SentMessage]:
        """Share a location (default: Aubervilliers)."""
        return await self.feed(
            self.api.location_update(self.user_id, latitude, longitude, **self._kw)
        )

    async def send_document(
        self,
        filename: str = "cv.pdf",
        content: bytes = b"%PDF-1.4\n%fake\n",
        caption: str | None = None,
    ) -> list[SentMessage]:
        """Send a file."""
        return await self.feed(
            self.api.document_update(
                self.user_id, filename=filename, content=content, caption=caption, **self._kw
            )
        )

    async def edit(self, message_id: int, new_text: str) -> list[SentMessage]:
        """Edit one of one's own messages."""
        return await self.feed(
            self.api.edited_text_update(self.user_id, message_id, new_text, **self._kw)
        )

    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        """Process a raw update JSON and return the bot messages it produced in this chat."""
        capture = _ErrorCapture()
        logger = logging.getLogger("telegram.ext.Application")
        before = asyncio.all_tasks()
        mark = self.api.mark()
        logger.addHandler(capture)
        try:
            await self.app.process_update(Update.de_json(update, self.app.bot))
            await self._settle(before)
        finally:
            logger.removeHandler(capture)
        if capture.errors and self.raise_errors:
            raise capture.errors[0]
        return self.api.changed_since(mark, chat_id=self.chat_id)

    async def _settle(self, before: set[asyncio.Task[Any]]) -> None:
        """Wait for tasks started while processing (``block=False`` handlers...)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_timeout
        current = asyncio.current_task()
        while True:
            pending = {
                task
                for task in asyncio.all_tasks() - before
                if task is not current and not task.done()
            }
            remaining = deadline - loop.time()
            if not pending or remaining <= 0:
                return
            await asyncio.wait(pending, timeout=remaining)

    # ---------------------------------------------------------------- reading

    @property
    def last(self) -> SentMessage:
        """The bot's latest visible message in this chat."""
        return self.api.last(self.chat_id)

    def texts(self, n: int | None = None) -> list[str]:
        """Texts of the bot's visible messages (the last ``n`` ones if given)."""
        texts = [m.text for m in self.api.bot_messages(self.chat_id)]
        return texts if n is None else texts[-n:]

    def buttons(self) -> list[str]:
        """Labels of the latest bot message carrying a keyboard still on screen (inline, or a
        reply keyboard not removed since)."""
        shown = self.api.reply_keyboard(self.chat_id)
        for message in reversed(self.api.bot_messages(self.chat_id)):
            if message.has_inline_keyboard:
                return message.buttons()
            if shown is not None and message.reply_markup == shown:
                return message.buttons()
        return SentMessage(0, 0, "text", reply_markup=shown).buttons() if shown else []

    @property
    def answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls for this user's callbacks."""
        return self.api.answers_for(self.user_id)

    @property
    def alerts(self) -> list[str]:
        """Non-empty texts shown (toast or alert) in answer to this user's callbacks."""
        return [a["text"] for a in self.answers if a.get("text")]

    @property
    def messages(self) -> list[SentMessage]:
        """Everything visible in this chat."""
        return self.api.messages(self.chat_id)
