"""The users' side of the local Bot API: updates as Telegram would deliver them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from localapi.messages import SentMessage, _Own
from localapi.params import json_copy
from localapi.parsing import _u16
from localapi.state import ApiState


class UserSide(ApiState):
    """Build the updates a user causes (messages, taps, contacts, media), record them in the
    chat, and queue them for getUpdates when the API is served over HTTP."""

    # ---------------------------------------------------------------- user side

    def _deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        if self.queue_updates:
            self._updates.append(update)
            self._cond.notify_all()
        delivered: dict[str, Any] = json_copy(update)
        return delivered

    def raw_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update exactly as given (any kind, even one a library cannot read),
        numbered like the others."""
        with self._cond:
            return self._deliver(json_copy(update))

    def _user_message(
        self, user_id: int, kw: dict[str, Any], content: dict[str, Any], text: str = ""
    ) -> dict[str, Any]:
        """Record a message the user sends and wrap it in an update."""
        with self._cond:
            user, chat = self._user_chat(user_id, kw)
            chat_id = chat["id"]
            body: dict[str, Any] = {
                "message_id": self._new_message_id(chat_id),
                "from": user,
                "chat": chat,
                "date": self._now(),
                **content,
            }
            self._store(
                SentMessage(
                    chat_id=chat_id,
                    message_id=body["message_id"],
                    kind="user",
                    text=text,
                    from_bot=False,
                    date=body["date"],
                    raw=body,
                    location=json_copy(content.get("location")),
                )
            )
            return self._deliver({"message": json_copy(body)})

    @staticmethod
    def _command_entities(text: str) -> list[dict[str, Any]]:
        if not text.startswith("/"):
            return []
        command = text.split(maxsplit=1)[0] if text.strip() else text
        return [{"type": "bot_command", "offset": 0, "length": _u16(command)}]

    def text_update(
        self, user_id: int, text: str, *, reply_to: int | None = None, **kw: Any
    ) -> dict[str, Any]:
        """The user sends ``text`` (a command gets its ``bot_command`` entity)."""
        content: dict[str, Any] = {"text": text}
        entities = self._command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to is not None:
            with self._cond:
                target = self._find(kw.get("chat_id", user_id), reply_to)
                if target is not None:
                    content["reply_to_message"] = self._message_json(target)
        return self._user_message(user_id, kw, content, text)

    def callback_update(
        self, user_id: int, message_id: int, data: str, **kw: Any
    ) -> dict[str, Any]:
        """The user taps an inline button carrying ``data`` under bot message ``message_id``."""
        with self._cond:
            user, chat = self._user_chat(user_id, kw)
            chat_id = chat["id"]
            self._counter += 1
            query_id = str(4_000_000_000_000_000_000 + self._counter)
            target = self._find(chat_id, message_id)
            if target is not None:
                message = self._message_json(target)
            else:
                # Telegram sends an InaccessibleMessage (date 0) for messages it can't show.
                message = {"chat": chat, "message_id": message_id, "date": 0}
            self._queries[query_id] = {
                "user_id": user_id,
                "chat_id": chat_id,
                "message_id": message_id,
                "answered": False,
            }
            query = {
                "id": query_id,
                "from": user,
                "message": message,
                "chat_instance": str(abs(chat_id) * 7919 % 10**18),
                "data": data,
            }
            return self._deliver({"callback_query": query})

    def contact_update(
        self,
        user_id: int,
        phone_number: str,
        *,
        contact_user_id: int | _Own | None = _Own.USER,
        first_name: str = "Awa",
        last_name: str | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        """The user shares a contact; by default his own (``contact.user_id == user_id``).

        Note: real clients send the number with or without "+": pass both forms in tests.
        """
        contact: dict[str, Any] = {"phone_number": phone_number, "first_name": first_name}
        if last_name:
            contact["last_name"] = last_name
        owner = user_id if contact_user_id is _Own.USER else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        return self._user_message(user_id, kw, {"contact": contact})

    def sticker_update(self, user_id: int, *, emoji: str = "👍", **kw: Any) -> dict[str, Any]:
        """The user sends a sticker."""
        with self._cond:
            stored = self._register_file("sticker", None, None, "image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
        }
        return self._user_message(user_id, kw, {"sticker": sticker})

    def photo_update(
        self,
        user_id: int,
        *,
        caption: str | None = None,
        content: bytes = b"\xff\xd8\xff\xe0fake-jpeg",
        **kw: Any,
    ) -> dict[str, Any]:
        """The user sends a photo (several sizes, the last one is the largest)."""
        with self._cond:
            stored = self._register_file("photo", None, content, "image/jpeg")
        sizes = [
            {
                "file_id": f"{stored.file_id}_{side}",
                "file_unique_id": f"{stored.file_unique_id}_{side}",
                "width": side,
                "height": side * 3 // 4,
                "file_size": len(content) * side // 1280,
            }
            for side in (90, 320, 800)
        ]
        sizes.append(
            {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": 1280,
                "height": 960,
                "file_size": len(content),
            }
        )
        body: dict[str, Any] = {"photo": sizes}
        if caption:
            body["caption"] = caption
        return self._user_message(user_id, kw, body, caption or "")

    def voice_update(
        self, user_id: int, *, duration: int = 3, content: bytes = b"OggS-fake", **kw: Any
    ) -> dict[str, Any]:
        """The user sends a voice note."""
        with self._cond:
            stored = self._register_file("voice", None, content, "audio/ogg")
        voice = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": len(content),
        }
        return self._user_message(user_id, kw, {"voice": voice})

    def location_update(
        self, user_id: int, latitude: float, longitude: float, **kw: Any
    ) -> dict[str, Any]:
        """The user shares a location."""
        location = {"latitude": float(latitude), "longitude": float(longitude)}
        return self._user_message(user_id, kw, {"location": location})

    def document_update(
        self,
        user_id: int,
        *,
        filename: str = "document.pdf",
        content: bytes = b"%PDF-1.4\n%fake\n",
        mime_type: str | None = "application/pdf",
        caption: str | None = None,
        **kw: Any,
    ) -> dict[str, Any]:
        """The user sends a file (downloadable by the bot through getFile)."""
        with self._cond:
            stored = self._register_file("document", filename, content, mime_type)
        document: dict[str, Any] = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "file_size": len(content),
        }
        if mime_type:
            document["mime_type"] = mime_type
        body: dict[str, Any] = {"document": document}
        if caption:
            body["caption"] = caption
        return self._user_message(user_id, kw, body, caption or "")

    def edited_text_update(
        self, user_id: int, message_id: int, new_text: str, **kw: Any
    ) -> dict[str, Any]:
        """The user edits one of his text messages (an ``edited_message`` update)."""
        with self._cond:
            _user, chat = self._user_chat(user_id, kw)
            target = self._find(chat["id"], message_id)
            if target is None or target.from_bot or target.raw is None:
                raise LookupError(f"no message {message_id} of user {user_id} in {chat['id']}")
            body = json_copy(target.raw)
            body["text"] = new_text
            body.pop("entities", None)
            entities = self._command_entities(new_text)
            if entities:
                body["entities"] = entities
            body["edit_date"] = self._now()
            target.raw = json_copy(body)
            target.text = new_text
            target.edited = True
            target.seq = self._bump()
            return self._deliver({"edited_message": body})

    def channel_post_update(
        self, chat_id: int, text: str, *, title: str = "Canal"
    ) -> dict[str, Any]:
        """A post in a channel where the bot is admin."""
        with self._cond:
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": "channel", "title": title}
            self._chats[chat_id] = chat
            body: dict[str, Any] = {
                "message_id": self._new_message_id(chat_id),
                "sender_chat": dict(chat),
                "chat": dict(chat),
                "date": self._now(),
                "text": text,
            }
            self._store(
                SentMessage(
                    chat_id=chat_id,
                    message_id=body["message_id"],
                    kind="user",
                    text=text,
                    from_bot=False,
                    date=body["date"],
                    raw=body,
                )
            )
            return self._deliver({"channel_post": json_copy(body)})

    def new_members_update(
        self,
        chat_id: int,
        user_ids: Iterable[int],
        *,
        from_user_id: int | None = None,
        title: str | None = None,
        chat_type: str | None = None,
    ) -> dict[str, Any]:
        """Users (possibly the bot itself, ``bot_id``) join a group."""
        ids = list(user_ids)
        if not ids:
            raise ValueError("new_members_update needs at least one user id")
        members: list[dict[str, Any]] = []
        with self._cond:
            for member_id in ids:
                if member_id == self.bot_id:
                    members.append(self._bot_user())
                else:
                    members.append(self._remember_user(member_id))
            sender = from_user_id if from_user_id is not None else ids[0]
            if sender == self.bot_id:
                sender = from_user_id or next((i for i in ids if i != self.bot_id), 1)
            kw: dict[str, Any] = {"chat_id": chat_id, "chat_type": chat_type}
            if title:
                kw["title"] = title
            return self._user_message(sender, kw, {"new_chat_members": members})
