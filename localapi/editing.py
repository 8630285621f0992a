"""What follows a tap: edits, deletions, callback answers."""

from __future__ import annotations

from typing import Any

from localapi.errors import (
    _NOT_MODIFIED,
    _QUERY_TOO_OLD,
    MAX_CALLBACK_ANSWER_LENGTH,
    MAX_TEXT_LENGTH,
    BotApiError,
    _bad_request,
)
from localapi.formatting import format_text
from localapi.messages import SentMessage
from localapi.params import (
    _same_markup,
    _validate_markup,
)
from localapi.state import ApiState


class Editing(ApiState):
    """editMessageText, editMessageCaption, editMessageReplyMarkup, deleteMessage,
    answerCallbackQuery."""

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
