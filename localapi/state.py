"""The state of the local Bot API (chats, users, messages, files) and its bookkeeping."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from localapi.errors import (
    MAX_CAPTION_LENGTH,
    BotApiError,
    _bad_request,
)
from localapi.formatting import format_text
from localapi.messages import SentMessage, _Fault, _StoredFile
from localapi.params import (
    _is_inline,
    json_copy,
)


class ApiState:
    """What every part of the local Bot API shares: the chats, users, messages and files it
    keeps, and the helpers that read and write them.

    Thread-safe: every public method takes the same lock, since the HTTP server calls in from
    its own threads while a test reads the state.
    """

    def __init__(
        self,
        *,
        bot_id: int = 7000000001,
        username: str = "tremplin_test_bot",
        first_name: str = "Tremplin",
        first_update_id: int = 1,
    ) -> None:
        self.bot_id = bot_id
        self.username = username
        self.first_name = first_name
        #: When True, user-side updates are also queued for getUpdates (HTTP server mode).
        self.queue_updates = False
        #: Clock used for message dates; replace it to freeze time in tests.
        self.clock: Callable[[], float] = time.time
        #: Every call received: (canonical method name, normalised params).
        self.calls: list[tuple[str, dict[str, Any]]] = []
        #: Every answerCallbackQuery: callback_query_id, text, show_alert, url, user_id.
        self.callback_answers: list[dict[str, Any]] = []
        #: setMyCommands state: scope JSON (sort_keys) [+ "|" + language_code] -> commands.
        self.commands: dict[str, list[dict[str, Any]]] = {}
        #: setChatMenuButton state: chat id (or None for the default) -> MenuButton JSON.
        self.menu_buttons: dict[int | None, dict[str, Any]] = {}
        self.webhook_url = ""
        self.webhook_secret: str | None = None  # the secret_token of the last setWebhook

        self._cond = threading.Condition(threading.RLock())
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._history: dict[int, list[SentMessage]] = {}
        self._next_message_id: dict[int, int] = {}
        self._updates: list[dict[str, Any]] = []
        self._next_update_id = first_update_id
        #: method (lower case) -> how many next calls time out before reaching the API.
        self.network_faults: dict[str, int] = {}
        self._allowed_updates: list[str] = []
        self._blocked: set[int] = set()
        self._faults: dict[str, list[_Fault]] = {}
        self._queries: dict[str, dict[str, Any]] = {}
        self._files: dict[str, _StoredFile] = {}
        self._files_by_path: dict[str, _StoredFile] = {}
        self._counter = 0
        self._seq = 0
        self._wake_generation = 0

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends to that private chat get 403."""
        with self._cond:
            self._blocked.add(user_id)

    def unblock(self, user_id: int) -> None:
        """The user unblocks the bot."""
        with self._cond:
            self._blocked.discard(user_id)

    # ---------------------------------------------------------------- chats and users

    def known_chat(
        self,
        chat_id: int,
        *,
        chat_type: str | None = None,
        first_name: str = "Awa",
        title: str | None = None,
        username: str | None = None,
    ) -> None:
        """Declare a chat the bot may write to (as if it had talked to the bot before)."""
        with self._cond:
            if chat_id in self._chats:
                return
            kind = chat_type or _default_chat_type(chat_id)
            if kind == "private":
                chat: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
                if username:
                    chat["username"] = username
            else:
                chat = {"id": chat_id, "type": kind, "title": title or "Groupe"}
            self._chats[chat_id] = chat

    def _remember_user(
        self,
        user_id: int,
        first_name: str | None = None,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
    ) -> dict[str, Any]:
        user = self._users.get(user_id) or {
            "id": user_id,
            "is_bot": False,
            "first_name": "Awa",
            "language_code": "fr",
        }
        if first_name is not None:
            user["first_name"] = first_name
        if last_name is not None:
            user["last_name"] = last_name
        if username is not None:
            user["username"] = username
        if language_code is not None:
            user["language_code"] = language_code
        self._users[user_id] = user
        return dict(user)

    def _user_chat(self, user_id: int, kw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """Sender JSON and chat JSON for a user-side update; marks the chat as known."""
        unknown = set(kw) - {
            "first_name", "last_name", "username", "language_code", "chat_id", "chat_type",
            "title",
        }  # fmt: skip
        if unknown:
            raise TypeError(f"unexpected keyword arguments: {sorted(unknown)}")
        user = self._remember_user(
            user_id,
            kw.get("first_name"),
            kw.get("last_name"),
            kw.get("username"),
            kw.get("language_code"),
        )
        chat_id = kw.get("chat_id", user_id)
        kind = kw.get("chat_type") or _default_chat_type(chat_id)
        if kind == "private":
            chat = {"id": chat_id, "type": "private", "first_name": user["first_name"]}
            for key in ("last_name", "username"):
                if key in user:
                    chat[key] = user[key]
        else:
            previous = self._chats.get(chat_id, {})
            chat = {
                "id": chat_id,
                "type": kind,
                "title": kw.get("title") or previous.get("title") or "Groupe",
            }
        self._chats[chat_id] = chat
        return user, dict(chat)

    # ---------------------------------------------------------------- bookkeeping

    def _now(self) -> int:
        return int(self.clock())

    def _bump(self) -> int:
        self._seq += 1
        return self._seq

    def _new_message_id(self, chat_id: int) -> int:
        message_id = self._next_message_id.get(chat_id, 1)
        self._next_message_id[chat_id] = message_id + 1
        return message_id

    def _bot_user(self) -> dict[str, Any]:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": self.first_name,
            "username": self.username,
        }

    def _target_chat(self, params: dict[str, Any]) -> int:
        """The chat a send/edit addresses, with Telegram's refusals."""
        if "chat_id" not in params or params["chat_id"] in ("", None):
            raise _bad_request("chat_id is empty")
        chat_id = params["chat_id"]
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise _bad_request("chat not found")
        if chat_id in self._blocked:
            raise BotApiError(403, "Forbidden: bot was blocked by the user")
        return chat_id

    def _find(self, chat_id: int, message_id: Any) -> SentMessage | None:
        for message in self._history.get(chat_id, []):
            if message.message_id == message_id and not message.deleted:
                return message
        return None

    def _store(self, message: SentMessage) -> SentMessage:
        message.seq = self._bump()
        self._history.setdefault(message.chat_id, []).append(message)
        return message

    def _message_json(self, message: SentMessage) -> dict[str, Any]:
        """The Message object Telegram would return/deliver for ``message``."""
        if not message.from_bot and message.raw is not None:
            raw: dict[str, Any] = json_copy(message.raw)
            return raw
        body: dict[str, Any] = {
            "message_id": message.message_id,
            "from": self._bot_user(),
            "chat": dict(self._chats.get(message.chat_id, {"id": message.chat_id})),
            "date": message.date,
        }
        if body["chat"].get("type") == "channel":
            # Channel posts are signed by the channel, not by the bot account.
            del body["from"]
            body["sender_chat"] = dict(body["chat"])
        if message.edit_date is not None:
            body["edit_date"] = message.edit_date
        if message.kind == "text":
            body["text"] = message.text
            if message.entities:
                body["entities"] = json_copy(message.entities)
        elif message.kind in ("document", "photo"):
            body[message.kind] = json_copy(message.file_json)
            if message.text:
                body["caption"] = message.text
                if message.entities:
                    body["caption_entities"] = json_copy(message.entities)
        elif message.kind == "venue":
            body["venue"] = json_copy(message.venue)
            body["location"] = json_copy(message.location)
        elif message.kind == "location":
            body["location"] = json_copy(message.location)
        if _is_inline(message.reply_markup):
            body["reply_markup"] = json_copy(message.reply_markup)
        return body

    def _reply_to(self, chat_id: int, params: dict[str, Any]) -> dict[str, Any] | None:
        """Resolve reply_to_message_id / reply_parameters like Telegram."""
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id", params.get("reply_to_message_id"))
        if message_id is None:
            return None
        target = self._find(chat_id, message_id)
        if target is None:
            allow = reply.get(
                "allow_sending_without_reply", params.get("allow_sending_without_reply")
            )
            if allow:
                return None
            raise _bad_request("message to be replied not found")
        return self._message_json(target)

    def _new_bot_message(self, chat_id: int, kind: str, **fields: Any) -> SentMessage:
        return SentMessage(
            chat_id=chat_id,
            message_id=self._new_message_id(chat_id),
            kind=kind,
            from_bot=True,
            date=self._now(),
            **fields,
        )

    def _sent_json(self, message: SentMessage, reply: dict[str, Any] | None) -> dict[str, Any]:
        body = self._message_json(message)
        if reply is not None:
            body["reply_to_message"] = reply
        return body

    def _register_file(
        self, kind: str, filename: str | None, data: bytes | None, mime_type: str | None
    ) -> _StoredFile:
        self._counter += 1
        prefix = {"document": "BQAC", "photo": "AgAC", "voice": "AwAC", "sticker": "CAAC"}.get(
            kind, "BAAC"
        )
        suffix = ""
        if filename and "." in filename:
            suffix = "." + filename.rsplit(".", 1)[1]
        elif kind == "photo":
            suffix = ".jpg"
        elif kind == "voice":
            suffix = ".oga"
        stored = _StoredFile(
            file_id=f"{prefix}{self._counter:08d}localfile",
            file_unique_id=f"AQAD{self._counter:06d}",
            kind=kind,
            filename=filename,
            data=data,
            mime_type=mime_type,
            file_path=f"{kind}s/file_{self._counter}{suffix}",
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    # ---------------------------------------------------------------- simple methods

    def _caption(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get("caption")
        if not raw:
            return "", []
        text, entities = format_text(
            str(raw), params.get("parse_mode"), params.get("caption_entities")
        )
        if len(text) > MAX_CAPTION_LENGTH:
            raise _bad_request("message caption is too long")
        return text, entities


def _default_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"
