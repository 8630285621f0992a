"""What tests and the demo read: the messages of a chat, buttons, callbacks, calls."""

from __future__ import annotations

import copy
from typing import Any

from localapi.messages import SentMessage
from localapi.state import ApiState


class Reading(ApiState):
    """Read what each chat shows, without changing anything."""

    def mark(self) -> int:
        """A point in the change history, for :meth:`changed_since`."""
        with self._cond:
            return self._seq

    def changed_since(self, mark: int, chat_id: int | None = None) -> list[SentMessage]:
        """Bot messages created or edited after ``mark`` (still visible), in change order."""
        with self._cond:
            found = [
                message
                for cid, history in self._history.items()
                if chat_id is None or cid == chat_id
                for message in history
                if message.from_bot and not message.deleted and message.seq > mark
            ]
            found.sort(key=lambda m: m.seq)
            return copy.deepcopy(found)

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Everything visible in the chat, user's and bot's messages, oldest first."""
        with self._cond:
            return copy.deepcopy([m for m in self._history.get(chat_id, []) if not m.deleted])

    def bot_messages(self, chat_id: int) -> list[SentMessage]:
        """The bot's visible messages in the chat, oldest first."""
        return [m for m in self.messages(chat_id) if m.from_bot]

    def last(self, chat_id: int) -> SentMessage:
        """The bot's latest visible message in the chat."""
        messages = self.bot_messages(chat_id)
        if not messages:
            raise LookupError(f"the bot has sent nothing visible in chat {chat_id}")
        return messages[-1]

    def find_button(self, chat_id: int, label: str) -> tuple[int, str]:
        """(message_id, callback_data) of the newest inline button labelled exactly ``label``."""
        messages = self.bot_messages(chat_id)
        for message in reversed(messages):
            data = message.callback_data(label)
            if data is not None:
                return message.message_id, data
        available = [b for m in reversed(messages) if m.has_inline_keyboard for b in m.buttons()]
        raise LookupError(f"no inline button {label!r} in chat {chat_id}; available: {available}")

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The reply keyboard currently shown in the chat, if any."""
        current: dict[str, Any] | None = None
        with self._cond:
            # Deleted messages count: removing a keyboard then deleting the message is a
            # known trick, and the keyboard stays removed.
            for message in self._history.get(chat_id, []):
                markup = message.reply_markup if message.from_bot else None
                if not markup:
                    continue
                if "keyboard" in markup:
                    current = markup
                elif markup.get("remove_keyboard"):
                    current = None
            return copy.deepcopy(current)

    def unanswered_callbacks(self, user_id: int | None = None) -> list[str]:
        """Callback query ids never answered (the user's button keeps spinning)."""
        with self._cond:
            return [
                query_id
                for query_id, query in self._queries.items()
                if not query["answered"] and (user_id is None or query["user_id"] == user_id)
            ]

    def answers_for(self, user_id: int) -> list[dict[str, Any]]:
        """answerCallbackQuery calls made for ``user_id``'s callback queries."""
        with self._cond:
            return [dict(a) for a in self.callback_answers if a["user_id"] == user_id]

    def calls_to(self, method: str) -> list[dict[str, Any]]:
        """Params of every call to ``method`` (case-insensitive)."""
        with self._cond:
            return [params for name, params in self.calls if name.lower() == method.lower()]
