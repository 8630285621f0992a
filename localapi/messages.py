"""What the local Bot API keeps per message and per file."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from localapi.params import _is_inline

# --------------------------------------------------------------------------------------------
# Data kept per message
# --------------------------------------------------------------------------------------------


@dataclass
class SentMessage:
    """One message of a chat, as the chat's members see it."""

    chat_id: int
    message_id: int
    kind: str  # "text", "document", "photo", "venue", "location" or "user"
    text: str = ""
    reply_markup: dict[str, Any] | None = None
    filename: str | None = None
    data: bytes | None = None
    venue: dict[str, Any] | None = None
    location: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False
    from_bot: bool = True
    date: int = 0
    #: Formatting entities of ``text`` (bold, links...), as Telegram returns them.
    entities: list[dict[str, Any]] = field(default_factory=list)
    #: The text exactly as the bot sent it (before HTML/Markdown parsing).
    raw_text: str | None = None
    parse_mode: str | None = None
    #: ``document`` dict or ``photo`` list as returned by Telegram, for file messages.
    file_json: Any = None
    #: For user messages: the Message JSON delivered to the bot.
    raw: dict[str, Any] | None = None
    edit_date: int | None = None
    #: Change counter: bumped on creation, edition and deletion (orders "what happened").
    seq: int = field(default=0, repr=False)

    def _rows(self) -> list[list[Any]]:
        markup = self.reply_markup or {}
        rows = markup.get("inline_keyboard") or markup.get("keyboard") or []
        return [row for row in rows if isinstance(row, list)]

    def buttons(self) -> list[str]:
        """Labels of the inline buttons (or reply keyboard buttons), row after row."""
        labels: list[str] = []
        for row in self._rows():
            for button in row:
                labels.append(button if isinstance(button, str) else str(button.get("text", "")))
        return labels

    def callback_data(self, label: str) -> str | None:
        """The callback_data of the inline button labelled ``label``, if any."""
        for row in (self.reply_markup or {}).get("inline_keyboard") or []:
            for button in row:
                if isinstance(button, dict) and button.get("text") == label:
                    return button.get("callback_data")
        return None

    @property
    def has_inline_keyboard(self) -> bool:
        """Whether an inline keyboard (with at least one button) is attached."""
        return bool(self.reply_markup and _is_inline(self.reply_markup))


@dataclass
class UploadedFile:
    """A file part of a multipart upload (what the HTTP server hands to :class:`LocalBotApi`)."""

    filename: str | None
    content: bytes
    mime_type: str | None = None


@dataclass
class _StoredFile:
    file_id: str
    file_unique_id: str
    kind: str
    filename: str | None
    data: bytes | None
    mime_type: str | None
    file_path: str

    @property
    def size(self) -> int | None:
        return len(self.data) if self.data is not None else None


@dataclass
class _Fault:
    code: int
    description: str
    retry_after: int | None
    remaining: int | None


class _Own(Enum):
    """Sentinel: "the sender himself" (default of ``contact_update(contact_user_id=...)``)."""

    USER = "user"
