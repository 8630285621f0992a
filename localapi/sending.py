"""Sending: messages, files (documents, photos, voice), venues, locations, chat actions."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from localapi.errors import (
    _WRONG_FILE,
    MAX_TEXT_LENGTH,
    _bad_request,
)
from localapi.formatting import format_text
from localapi.messages import UploadedFile, _StoredFile
from localapi.params import (
    _CHAT_ACTIONS,
    _looks_like_image,
    _validate_markup,
)
from localapi.state import ApiState


class Sending(ApiState):
    """sendMessage, sendDocument, sendPhoto, sendVoice, sendVenue, sendLocation,
    sendChatAction."""

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

    def _send_chat_action(self, params: dict[str, Any]) -> bool:
        self._target_chat(params)
        if params.get("action") not in _CHAT_ACTIONS:
            raise _bad_request("wrong parameter action in request")
        return True

    # ---------------------------------------------------------------- getUpdates
