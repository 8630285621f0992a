"""The bot's own account: getMe, webhook, commands, menu button, chats, files."""

from __future__ import annotations

import json
from typing import Any

from localapi.errors import (
    BotApiError,
    _bad_request,
)
from localapi.params import (
    _COMMAND_RE,
    json_copy,
)
from localapi.state import ApiState


class Account(ApiState):
    """getMe, setWebhook, deleteWebhook, getWebhookInfo, getChat, setMyCommands,
    getMyCommands, deleteMyCommands, setChatMenuButton, getChatMenuButton, getFile."""

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
