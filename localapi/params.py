"""Bot API parameters as they arrive (JSON or form fields), and markup checks."""

from __future__ import annotations

import json
import re
from typing import Any

from localapi.errors import _bad_request
from localapi.parsing import _checked_link

# --------------------------------------------------------------------------------------------
# Parameter normalisation
# --------------------------------------------------------------------------------------------

_JSON_PARAMS = frozenset(
    {
        "reply_markup", "commands", "scope", "menu_button", "allowed_updates", "entities",
        "caption_entities", "reply_parameters", "link_preview_options", "media", "results",
    }
)  # fmt: skip
_INT_PARAMS = frozenset(
    {
        "message_id", "offset", "limit", "timeout", "user_id", "cache_time",
        "reply_to_message_id", "message_thread_id", "live_period", "heading",
        "proximity_alert_radius", "duration", "max_connections", "from_chat_id",
    }
)  # fmt: skip
_FLOAT_PARAMS = frozenset({"latitude", "longitude", "horizontal_accuracy"})
_BOOL_PARAMS = frozenset(
    {
        "show_alert", "disable_notification", "protect_content", "drop_pending_updates",
        "disable_web_page_preview", "allow_sending_without_reply", "has_spoiler",
        "disable_content_type_detection", "show_caption_above_media", "allow_paid_broadcast",
    }
)  # fmt: skip
_INT_RE = re.compile(r"^-?\d+$")


def json_copy(value: Any) -> Any:
    """A deep copy of JSON-shaped data (dicts, lists, scalars): what the API hands out or
    keeps is never shared with the caller. Several times faster than `copy.deepcopy`, which
    this stand-in called for every message it answered with."""
    if isinstance(value, dict):
        return {str(key): json_copy(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_copy(item) for item in value]
    if isinstance(value, str) and type(value) is not str:
        # PTB hands enums (str subclasses): keep the plain string, as JSON would.
        return "".join((value,))
    return value


def normalise_params(params: dict[str, Any]) -> dict[str, Any]:
    """Turn HTTP-form values (JSON-encoded strings) into the Python values Telegram means."""
    result: dict[str, Any] = {}
    for key, value in params.items():
        if value is None:
            continue
        if isinstance(value, bytes) and key not in ("document", "photo"):
            value = value.decode("utf-8")
        if isinstance(value, str):
            if key in _JSON_PARAMS:
                try:
                    value = json.loads(value)
                except ValueError:
                    if key == "reply_markup":
                        raise _bad_request(
                            "can't parse reply keyboard markup JSON object"
                        ) from None
                    raise _bad_request(f"can't parse {key} JSON object") from None
            elif key == "chat_id" and _INT_RE.match(value.strip()):
                value = int(value.strip())
            elif key in _INT_PARAMS:
                if not _INT_RE.match(value.strip()):
                    raise _bad_request(f"wrong parameter {key}")
                value = int(value.strip())
            elif key in _FLOAT_PARAMS:
                try:
                    value = float(value)
                except ValueError:
                    raise _bad_request(f"wrong parameter {key}") from None
            elif key in _BOOL_PARAMS:
                value = value.strip().lower() in ("true", "1")
        elif isinstance(value, dict | list):
            value = json_copy(value)  # plain JSON values only, never the caller's objects
        result[key] = value
    return result


# --------------------------------------------------------------------------------------------
# Markup helpers
# --------------------------------------------------------------------------------------------


def _is_inline(markup: dict[str, Any] | None) -> bool:
    if not markup or "inline_keyboard" not in markup:
        return False
    return any(row for row in markup["inline_keyboard"])


_BUTTON_ACTIONS = (
    "url", "callback_data", "web_app", "login_url", "switch_inline_query",
    "switch_inline_query_current_chat", "switch_inline_query_chosen_chat", "callback_game",
    "pay", "copy_text",
)  # fmt: skip


def _validate_markup(markup: Any) -> None:
    """Reject reply_markup values Telegram rejects (the bugs worth catching)."""
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise _bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "inline_keyboard" of the InlineKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                _validate_inline_button(button)
    elif "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise _bad_request(
                'field "keyboard" of the ReplyKeyboardMarkup must be an Array of Arrays'
            )
        for row in rows:
            for button in row:
                text = button if isinstance(button, str) else (button or {}).get("text")
                if not isinstance(text, str):
                    raise _bad_request(
                        'can\'t parse keyboard button: Field "text" must be of type String'
                    )
    elif not ({"remove_keyboard", "force_reply"} & markup.keys()):
        raise _bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline_button(button: Any) -> None:
    if not isinstance(button, dict) or not isinstance(button.get("text"), str):
        raise _bad_request(
            'can\'t parse inline keyboard button: Field "text" must be of type String'
        )
    actions = [name for name in _BUTTON_ACTIONS if name in button]
    if not actions:
        raise _bad_request(
            "can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"
        )
    if "callback_data" in button:
        data = button["callback_data"]
        if not isinstance(data, str) or not 1 <= len(data.encode("utf-8")) <= 64:
            raise _bad_request("BUTTON_DATA_INVALID")
    if "url" in button:
        url = str(button["url"])
        if not _checked_link(url):
            raise _bad_request(f"inline keyboard button URL '{url}' is invalid: Wrong HTTP URL")


def _same_markup(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    """Inline keyboards compare by content; "no keyboard" equals an empty one."""
    left = a if _is_inline(a) else None
    right = b if _is_inline(b) else None
    return json.dumps(left, sort_keys=True) == json.dumps(right, sort_keys=True)


_IMAGE_MAGIC = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a", b"BM")


def _looks_like_image(data: bytes) -> bool:
    if data.startswith(_IMAGE_MAGIC):
        return True
    return data[:4] == b"RIFF" and data[8:12] == b"WEBP"


_CHAT_ACTIONS = frozenset(
    {
        "typing", "upload_photo", "record_video", "upload_video", "record_voice",
        "upload_voice", "upload_document", "choose_sticker", "find_location",
        "record_video_note", "upload_video_note",
    }
)  # fmt: skip
_COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")
