"""The local Bot API itself: executes methods, keeps every chat, builds users' updates."""

from __future__ import annotations

import copy
import json
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote, urlsplit

from bot.core.localapi.errors import (
    _NOT_MODIFIED,
    _QUERY_TOO_OLD,
    _WEBHOOK_CONFLICT,
    _WRONG_FILE,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_CAPTION_LENGTH,
    MAX_TEXT_LENGTH,
    BotApiError,
    _bad_request,
)
from bot.core.localapi.formatting import format_text
from bot.core.localapi.messages import SentMessage, UploadedFile, _Fault, _StoredFile
from bot.core.localapi.params import (
    _CHAT_ACTIONS,
    _COMMAND_RE,
    _is_inline,
    _looks_like_image,
    _same_markup,
    _validate_markup,
    json_copy,
    normalise_params,
)
from bot.core.localapi.users import UserSide

# --------------------------------------------------------------------------------------------
# The API itself
# --------------------------------------------------------------------------------------------


class LocalBotApi(UserSide):
    """An in-memory Telegram: executes Bot API methods and remembers what every chat shows.

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

        self._methods: dict[str, tuple[str, Callable[[dict[str, Any]], Any]]] = {}
        for name, func in (
            ("getMe", self._get_me),
            ("getUpdates", self._get_updates),
            ("setWebhook", self._set_webhook),
            ("deleteWebhook", self._delete_webhook),
            ("getWebhookInfo", self._get_webhook_info),
            ("logOut", self._true),
            ("close", self._true),
            ("sendMessage", self._send_message),
            ("editMessageText", self._edit_message_text),
            ("editMessageCaption", self._edit_message_caption),
            ("editMessageReplyMarkup", self._edit_message_reply_markup),
            ("answerCallbackQuery", self._answer_callback_query),
            ("deleteMessage", self._delete_message),
            ("sendDocument", self._send_document),
            ("sendPhoto", self._send_photo),
            ("sendVoice", self._send_voice),
            ("sendVenue", self._send_venue),
            ("sendLocation", self._send_location),
            ("sendChatAction", self._send_chat_action),
            ("setMyCommands", self._set_my_commands),
            ("getMyCommands", self._get_my_commands),
            ("deleteMyCommands", self._delete_my_commands),
            ("setChatMenuButton", self._set_chat_menu_button),
            ("getChatMenuButton", self._get_chat_menu_button),
            ("getChat", self._get_chat),
            ("getFile", self._get_file),
        ):
            self._methods[name.lower()] = (name, func)

    # ---------------------------------------------------------------- entry point

    def handle(
        self, method: str, params: dict[str, Any] | None = None, *, max_wait: float | None = None
    ) -> Any:
        """Execute one Bot API method; return its ``result`` or raise :class:`BotApiError`.

        ``max_wait`` caps getUpdates long polling (the in-process request passes 1 s so that a
        blocked worker thread never delays shutdown much).
        """
        entry = self._methods.get(method.lower())
        with self._cond:
            if entry is None:
                self.calls.append((method, dict(params or {})))
                raise BotApiError(404, "Not Found")
            name, func = entry
            # A fresh copy: the methods below keep its values without copying them again.
            clean = normalise_params(dict(params or {}))
            self.calls.append((name, clean))
            self._raise_fault(name)
            if name == "getUpdates":
                return self._get_updates(clean, max_wait=max_wait)
            return func(clean)

    # ---------------------------------------------------------------- fault injection

    def fail(
        self,
        method: str,
        *,
        code: int = 400,
        description: str = "Bad Request: something",
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (``times=None``: until cleared).

        For ``code=429`` the description becomes Telegram's "Too Many Requests: retry after N"
        (unless one is given) and ``retry_after`` defaults to 5.
        """
        if code == 429:
            retry_after = 5 if retry_after is None else retry_after
            if description == "Bad Request: something":
                description = f"Too Many Requests: retry after {retry_after}"
        elif description == "Bad Request: something" and code != 400:
            description = {
                403: "Forbidden: bot was blocked by the user",
                409: "Conflict: terminated by other getUpdates request",
                500: "Internal Server Error",
                502: "Bad Gateway",
            }.get(code, description)
        with self._cond:
            key = method.lower()
            self._faults.setdefault(key, []).append(_Fault(code, description, retry_after, times))

    def clear_faults(self) -> None:
        """Forget every pending injected failure."""
        with self._cond:
            self._faults.clear()

    def _raise_fault(self, method: str) -> None:
        faults = self._faults.get(method.lower())
        if not faults:
            return
        fault = faults[0]
        if fault.remaining is not None:
            fault.remaining -= 1
            if fault.remaining <= 0:
                faults.pop(0)
        raise BotApiError(fault.code, fault.description, fault.retry_after)

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

    def _true(self, params: dict[str, Any]) -> bool:
        return True

    def _get_me(self, params: dict[str, Any]) -> dict[str, Any]:
        return {
            **self._bot_user(),
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
            "can_connect_to_business": False,
            "has_main_web_app": False,
        }

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        url = str(params.get("url", ""))
        if url and not url.startswith("https://"):
            raise _bad_request("bad webhook: An HTTPS URL must be provided for webhook")
        self.webhook_url = url
        self.webhook_secret = params.get("secret_token") or None
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _delete_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook_url = ""
        if params.get("drop_pending_updates"):
            self._updates.clear()
        return True

    def _get_webhook_info(self, params: dict[str, Any]) -> dict[str, Any]:
        info: dict[str, Any] = {
            "url": self.webhook_url,
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }
        if self._allowed_updates:
            info["allowed_updates"] = list(self._allowed_updates)
        return info

    def _get_chat(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if chat_id not in self._chats:
            raise _bad_request("chat not found")
        return {
            **self._chats[chat_id],
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        }

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    # ---------------------------------------------------------------- getUpdates

    def _get_updates(
        self, params: dict[str, Any], max_wait: float | None = None
    ) -> list[dict[str, Any]]:
        if self.webhook_url:
            raise BotApiError(409, _WEBHOOK_CONFLICT)
        offset = int(params.get("offset", 0) or 0)
        limit = min(max(int(params.get("limit", 100) or 100), 1), 100)
        timeout = float(params.get("timeout", 0) or 0)
        if "allowed_updates" in params and params["allowed_updates"] is not None:
            self._allowed_updates = list(params["allowed_updates"])
        self._confirm(offset)
        if timeout > 0 and not self._deliverable():
            wait = timeout if max_wait is None else min(timeout, max_wait)
            deadline = time.monotonic() + wait
            generation = self._wake_generation
            while not self._deliverable() and generation == self._wake_generation:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                self._cond.wait(remaining)
            self._confirm(offset)
        updates: list[dict[str, Any]] = json_copy(self._deliverable()[:limit])
        return updates

    def _confirm(self, offset: int) -> None:
        """Telegram forgets updates below ``offset`` (negative: keep only the last ones)."""
        if offset > 0:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        elif offset < 0:
            self._updates = self._updates[offset:]

    def _deliverable(self) -> list[dict[str, Any]]:
        if not self._allowed_updates:
            return self._updates
        allowed = set(self._allowed_updates)
        return [u for u in self._updates if set(u) - {"update_id"} <= allowed]

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue a raw update for getUpdates (assigning ``update_id`` if missing)."""
        with self._cond:
            if "update_id" not in update:
                update = {"update_id": self._next_update_id, **update}
            self._next_update_id = max(self._next_update_id, update["update_id"] + 1)
            self._updates.append(update)
            self._cond.notify_all()
            return update

    def interrupt_waiters(self) -> None:
        """Make pending long-polling getUpdates calls return now (used on shutdown)."""
        with self._cond:
            self._wake_generation += 1
            self._cond.notify_all()

    # ---------------------------------------------------------------- sending

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        raw_text = params.get("text")
        if raw_text is None or raw_text == "":
            raise _bad_request("message text is empty")
        text, entities = format_text(
            str(raw_text), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        markup = params.get("reply_markup")
        _validate_markup(markup)
        reply = self._reply_to(chat_id, params)
        message = self._store(
            self._new_bot_message(
                chat_id,
                "text",
                text=text,
                entities=entities,
                raw_text=str(raw_text),
                parse_mode=params.get("parse_mode"),
                reply_markup=markup,
            )
        )
        return self._sent_json(message, reply)

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

    def _take_file(
        self, params: dict[str, Any], key: str
    ) -> _StoredFile | tuple[str | None, bytes | None, str | None]:
        """The file given as ``key``: an upload (bytes + name) or an existing file_id/URL.

        Returns a stored file (reused file_id) or ``(filename, data, mime_type)`` for a new one.
        """
        value = params.get(key)
        if value is None or value == "":
            raise _bad_request(f'parameter "{key}" is required')
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value[len("attach://") :])
            if value is None:
                raise _bad_request(_WRONG_FILE.removeprefix("Bad Request: "))
        if hasattr(value, "input_file_content"):  # telegram.InputFile
            content = value.input_file_content
            if not isinstance(content, bytes):
                content = content.read()
            return value.filename, content, getattr(value, "mimetype", None)
        if isinstance(value, UploadedFile):
            return value.filename, value.content, value.mime_type
        if isinstance(value, tuple) and len(value) >= 2:  # httpx-style (name, content, mime)
            content = value[1] if isinstance(value[1], bytes) else value[1].read()
            return value[0], content, value[2] if len(value) > 2 else None
        if isinstance(value, bytes | bytearray):
            return None, bytes(value), None
        if isinstance(value, str):
            if value in self._files:
                return self._files[value]
            if value.startswith(("http://", "https://")):
                name = unquote(urlsplit(value).path.rsplit("/", 1)[-1]) or None
                return name, None, None
        raise _bad_request(_WRONG_FILE.removeprefix("Bad Request: "))

    def _send_file(self, params: dict[str, Any], kind: str) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        taken = self._take_file(params, kind)
        caption, entities = self._caption(params)
        markup = params.get("reply_markup")
        _validate_markup(markup)
        if isinstance(taken, _StoredFile):
            stored = taken
        else:
            filename, data, mime_type = taken
            if data is not None and len(data) == 0:
                raise _bad_request("file must be non-empty")
            if kind == "photo" and data is not None and not _looks_like_image(data):
                raise _bad_request("IMAGE_PROCESS_FAILED")
            if kind == "document" and params.get("filename"):
                filename = str(params["filename"])
            stored = self._register_file(kind, filename, data, mime_type)
        reply = self._reply_to(chat_id, params)
        if kind in ("document", "voice"):
            file_json: Any = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
            }
            if kind == "voice":
                file_json["duration"] = int(params.get("duration") or 3)
            if stored.filename:
                file_json["file_name"] = stored.filename
            if stored.mime_type:
                file_json["mime_type"] = stored.mime_type
            if stored.size is not None:
                file_json["file_size"] = stored.size
        else:
            file_json = [
                {
                    "file_id": f"{stored.file_id}_{side}",
                    "file_unique_id": f"{stored.file_unique_id}_{side}",
                    "width": side,
                    "height": side,
                    "file_size": (stored.size or 0) * side // 1280,
                }
                for side in (90, 320, 800, 1280)
            ]
            # The biggest size keeps the original file_id so that it can be re-sent.
            file_json[-1]["file_id"] = stored.file_id
            file_json[-1]["file_unique_id"] = stored.file_unique_id
            file_json[-1]["file_size"] = stored.size or 0
        message = self._store(
            self._new_bot_message(
                chat_id,
                kind,
                text=caption,
                entities=entities,
                raw_text=params.get("caption"),
                parse_mode=params.get("parse_mode"),
                reply_markup=markup,
                filename=stored.filename,
                data=stored.data,
                file_json=file_json,
            )
        )
        return self._sent_json(message, reply)

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "document")

    def _send_voice(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "voice")

    def _send_photo(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "photo")

    def _coordinates(self, params: dict[str, Any]) -> dict[str, float]:
        for key in ("latitude", "longitude"):
            if params.get(key) is None:
                raise _bad_request(f'parameter "{key}" is required')
        latitude, longitude = float(params["latitude"]), float(params["longitude"])
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise _bad_request("wrong location")
        return {"latitude": latitude, "longitude": longitude}

    def _send_venue(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        location = self._coordinates(params)
        for key in ("title", "address"):
            if not params.get(key):
                raise _bad_request(f'parameter "{key}" is required')
        markup = params.get("reply_markup")
        _validate_markup(markup)
        venue: dict[str, Any] = {
            "location": dict(location),
            "title": str(params["title"]),
            "address": str(params["address"]),
        }
        for key in ("foursquare_id", "foursquare_type", "google_place_id", "google_place_type"):
            if params.get(key):
                venue[key] = params[key]
        reply = self._reply_to(chat_id, params)
        message = self._store(
            self._new_bot_message(
                chat_id,
                "venue",
                text=f"{venue['title']}\n{venue['address']}",
                venue=venue,
                location=location,
                reply_markup=markup,
            )
        )
        return self._sent_json(message, reply)

    def _send_location(self, params: dict[str, Any]) -> dict[str, Any]:
        chat_id = self._target_chat(params)
        location = self._coordinates(params)
        markup = params.get("reply_markup")
        _validate_markup(markup)
        reply = self._reply_to(chat_id, params)
        message = self._store(
            self._new_bot_message(chat_id, "location", location=location, reply_markup=markup)
        )
        return self._sent_json(message, reply)

    # ---------------------------------------------------------------- editing

    def _editable(self, params: dict[str, Any]) -> SentMessage:
        if params.get("inline_message_id"):
            raise _bad_request("MESSAGE_ID_INVALID")
        chat_id = self._target_chat(params)
        message = self._find(chat_id, params.get("message_id"))
        if message is None:
            raise _bad_request("message to edit not found")
        if not message.from_bot:
            # Real Telegram's wording for someone else's message.
            raise _bad_request("message can't be edited")
        return message

    def _edit_markup_param(self, params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        _validate_markup(markup)
        if markup is not None and "inline_keyboard" not in markup:
            raise _bad_request("inline keyboard expected")
        return markup

    def _apply_edit(self, message: SentMessage, **changes: Any) -> dict[str, Any]:
        for key, value in changes.items():
            setattr(message, key, value)
        message.edited = True
        message.edit_date = self._now()
        message.seq = self._bump()
        return self._message_json(message)

    def _edit_message_text(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if message.kind != "text":
            raise _bad_request("there is no text in the message to edit")
        raw_text = params.get("text")
        if raw_text is None or raw_text == "":
            raise _bad_request("message text is empty")
        text, entities = format_text(
            str(raw_text), params.get("parse_mode"), params.get("entities")
        )
        if not text:
            raise _bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise _bad_request("message is too long")
        markup = self._edit_markup_param(params)
        if (
            text == message.text
            and entities == message.entities
            and _same_markup(markup, message.reply_markup)
        ):
            raise BotApiError(400, _NOT_MODIFIED)
        # Without reply_markup, Telegram drops the inline keyboard.
        return self._apply_edit(
            message,
            text=text,
            entities=entities,
            raw_text=str(raw_text),
            parse_mode=params.get("parse_mode"),
            reply_markup=markup,
        )

    def _edit_message_caption(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        if message.kind not in ("document", "photo"):
            raise _bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = self._edit_markup_param(params)
        if (
            caption == message.text
            and entities == message.entities
            and _same_markup(markup, message.reply_markup)
        ):
            raise BotApiError(400, _NOT_MODIFIED)
        return self._apply_edit(
            message,
            text=caption,
            entities=entities,
            raw_text=params.get("caption"),
            reply_markup=markup,
        )

    def _edit_message_reply_markup(self, params: dict[str, Any]) -> dict[str, Any]:
        message = self._editable(params)
        markup = self._edit_markup_param(params)
        if _same_markup(markup, message.reply_markup):
            raise BotApiError(400, _NOT_MODIFIED)
        return self._apply_edit(message, reply_markup=markup)

    def _delete_message(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id not in self._chats:
            raise _bad_request("chat not found")
        message = self._find(chat_id, params.get("message_id"))
        if message is None:
            raise _bad_request("message to delete not found")
        message.deleted = True
        message.seq = self._bump()
        return True

    # ---------------------------------------------------------------- callbacks, commands

    def _answer_callback_query(self, params: dict[str, Any]) -> bool:
        query_id = str(params.get("callback_query_id", ""))
        query = self._queries.get(query_id)
        if query is None or query["answered"]:
            raise _bad_request(_QUERY_TOO_OLD.removeprefix("Bad Request: "))
        text = params.get("text")
        if text is not None and len(str(text)) > MAX_CALLBACK_ANSWER_LENGTH:
            raise _bad_request("MESSAGE_TOO_LONG")
        query["answered"] = True
        self.callback_answers.append(
            {
                "callback_query_id": query_id,
                "text": text,
                "show_alert": bool(params.get("show_alert", False)),
                "url": params.get("url"),
                "user_id": query["user_id"],
                "chat_id": query["chat_id"],
                "message_id": query["message_id"],
            }
        )
        return True

    @staticmethod
    def commands_key(scope: dict[str, Any] | None = None, language_code: str = "") -> str:
        """Key of :attr:`commands` for a scope (default scope when None) and language."""
        key = json.dumps(scope or {"type": "default"}, sort_keys=True)
        return f"{key}|{language_code}" if language_code else key

    def _set_my_commands(self, params: dict[str, Any]) -> bool:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise _bad_request('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad_request("BOT_COMMANDS_TOO_MUCH")
        for command in commands:
            name = str(command.get("command", "")) if isinstance(command, dict) else ""
            if not _COMMAND_RE.match(name):
                raise _bad_request("BOT_COMMAND_INVALID")
            description = str(command.get("description", ""))
            if not 1 <= len(description) <= 256:
                raise _bad_request("command description must be non-empty")
        key = self.commands_key(params.get("scope"), params.get("language_code") or "")
        self.commands[key] = json_copy(commands)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = self.commands_key(params.get("scope"), params.get("language_code") or "")
        commands: list[dict[str, Any]] = json_copy(self.commands.get(key, []))
        return commands

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = self.commands_key(params.get("scope"), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None and chat_id not in self._chats:
            raise _bad_request("chat not found")
        self.menu_buttons[chat_id] = json_copy(params.get("menu_button") or {"type": "default"})
        return True

    def _get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        button = self.menu_buttons.get(params.get("chat_id")) or self.menu_buttons.get(None)
        shown: dict[str, Any] = json_copy(button or {"type": "commands"})
        return shown

    def _get_file(self, params: dict[str, Any]) -> dict[str, Any]:
        stored = self._files.get(str(params.get("file_id", "")))
        if stored is None:
            raise _bad_request("invalid file_id")
        body: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_path": stored.file_path,
        }
        if stored.size is not None:
            body["file_size"] = stored.size
        return body

    def file_content(self, file_path: str) -> bytes:
        """Bytes behind a ``file_path`` returned by getFile (what the file URL serves)."""
        with self._cond:
            stored = self._files_by_path.get(file_path.lstrip("/"))
            if stored is None or stored.data is None:
                raise BotApiError(404, "Not Found")
            return stored.data

    # ---------------------------------------------------------------- reading

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


def _default_chat_type(chat_id: int) -> str:
    if chat_id > 0:
        return "private"
    return "supergroup" if str(chat_id).startswith("-100") else "group"
