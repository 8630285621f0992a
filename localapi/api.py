"""The local Bot API itself: one entry point that executes methods, and fault injection."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localapi.account import Account
from localapi.editing import Editing
from localapi.errors import (
    BotApiError,
)
from localapi.messages import _Fault
from localapi.params import (
    normalise_params,
)
from localapi.reading import Reading
from localapi.sending import Sending
from localapi.updates import Updates
from localapi.users import UserSide

# --------------------------------------------------------------------------------------------
# The API itself
# --------------------------------------------------------------------------------------------


class LocalBotApi(Account, Updates, Sending, Editing, Reading, UserSide):
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
        super().__init__(
            bot_id=bot_id,
            username=username,
            first_name=first_name,
            first_update_id=first_update_id,
        )
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
