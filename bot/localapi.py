"""An in-process stand-in for the Telegram Bot API.

Used by the terminal demo, by the test suite (through :class:`LocalRequest`, plugged into a
python-telegram-bot ``Application``) and by subprocess tests (through :class:`LocalBotApiServer`,
a real HTTP server). It answers like Telegram does — same JSON shapes, same error descriptions —
and keeps what each chat "sees", so tests can assert on the conversation rather than on mocks.

Faithfulness matters more than completeness: every check implemented here mirrors a rejection
real Telegram makes (HTML that does not parse, callback data over 64 bytes, editing a message
into itself, ...), because those are exactly the bugs that only show up in production.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from enum import Enum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from telegram import Update
from telegram.error import TimedOut
from telegram.request import BaseRequest, RequestData

if TYPE_CHECKING:
    from telegram.ext import Application

__all__ = [
    "BotApiError",
    "Chat",
    "LocalBotApi",
    "LocalBotApiServer",
    "LocalRequest",
    "SentMessage",
    "UploadedFile",
]

_LOGGER = logging.getLogger(__name__)

MAX_TEXT_LENGTH = 4096
MAX_CAPTION_LENGTH = 1024
MAX_CALLBACK_DATA_BYTES = 64
MAX_CALLBACK_ANSWER_LENGTH = 200

_NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
_QUERY_TOO_OLD = "Bad Request: query is too old and response timeout expired or query ID is invalid"
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete "
    "the webhook first"
)
_WRONG_FILE = "Bad Request: wrong file identifier/HTTP URL specified"


class BotApiError(Exception):
    """An error answer of the Bot API (``ok: false``)."""

    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        message = f"{code} {description}"
        super().__init__(message)
        self.code = code
        self.description = description
        self.retry_after = retry_after

    def to_json(self) -> dict[str, Any]:
        """The response body Telegram sends for this error."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad_request(reason: str) -> BotApiError:
    return BotApiError(400, f"Bad Request: {reason}")


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


# --------------------------------------------------------------------------------------------
# Text formatting: Telegram's HTML, MarkdownV2 and legacy Markdown parsers
# --------------------------------------------------------------------------------------------


class _ParseError(Exception):
    """Raised by the formatting parsers with Telegram's own wording."""


_SPACES = " \t\n\r\v\f"
_HTML_TAGS = frozenset(
    {
        "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
        "tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote",
    }
)  # fmt: skip
_HTML_SIMPLE = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


def _decode_html_entity(text: str, pos: int) -> tuple[str, int] | None:
    """Decode ``&...;`` at ``pos`` like tdlib: only lt/gt/amp/quot and numeric references.

    Anything else (``&nbsp;``, a lone ``&``) is kept verbatim, as Telegram does.
    """
    n = len(text)
    end = pos + 1
    if end < n and text[end] == "#":
        end += 1
        base = 10
        if end < n and text[end] in "xX":
            base = 16
            end += 1
        digits = "0123456789abcdefABCDEF" if base == 16 else "0123456789"
        value = 0
        while end < n and text[end] in digits:
            value = value * base + int(text[end], 16)
            end += 1
            if value >= 0x10FFFF:
                return None
        if value == 0 or end - pos >= 10:
            return None
        if 0xD800 <= value <= 0xDFFF:
            raise _ParseError(
                "Text contains invalid Unicode characters after decoding HTML entities, "
                "check for unmatched surrogate code units"
            )
        char = chr(value)
    else:
        while end < n and text[end].isascii() and text[end].isalpha():
            end += 1
        named = _NAMED_ENTITIES.get(text[pos + 1 : end])
        if named is None:
            return None
        char = named
    if end < n and text[end] == ";":
        end += 1
    return char, end


def _checked_link(url: str) -> str:
    """Normalise a link target roughly like Telegram; "" when Telegram would drop it."""
    if not url or any(c.isspace() for c in url):
        return ""
    parts = urlsplit(url if "://" in url else f"http://{url}")
    scheme = parts.scheme.lower()
    if scheme in ("tg", "ton"):
        return url
    if scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname
    if "." not in host and host != "localhost":
        return ""
    if host == "localhost":
        return ""
    path = parts.path or "/"
    rebuilt = f"{scheme}://{parts.netloc}{path}"
    if parts.query or url.endswith("?"):
        rebuilt += f"?{parts.query}"
    if parts.fragment:
        rebuilt += f"#{parts.fragment}"
    return rebuilt


_TG_USER_LINK = re.compile(r"^tg://user\?id=(\d+)$", re.IGNORECASE)


def _html_entity(tag: str, argument: str, offset: int, length: int, inner: str) -> dict | None:
    if tag in _HTML_SIMPLE:
        return {"type": _HTML_SIMPLE[tag], "offset": offset, "length": length}
    if tag == "a":
        url = argument or inner
        user = _TG_USER_LINK.match(url)
        if user:
            return {
                "type": "text_mention",
                "offset": offset,
                "length": length,
                "user": {"id": int(user.group(1)), "is_bot": False, "first_name": ""},
            }
        checked = _checked_link(url)
        if not checked:
            return None
        return {"type": "text_link", "offset": offset, "length": length, "url": checked}
    if tag == "tg-emoji":
        if not argument.isdigit() or int(argument) == 0:
            raise _ParseError("Invalid custom emoji identifier specified")
        return {
            "type": "custom_emoji",
            "offset": offset,
            "length": length,
            "custom_emoji_id": argument,
        }
    if tag == "blockquote":
        kind = "expandable_blockquote" if argument else "blockquote"
        return {"type": kind, "offset": offset, "length": length}
    return None  # code/pre are handled by the caller (they merge into pre+language)


def parse_html(html: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse Telegram's HTML flavour into ``(plain text, entities)``.

    A port of tdlib's ``parse_html``: same accepted syntax, same error messages (with the same
    byte offsets), so a message rejected by Telegram is rejected here too.
    """
    n = len(html)
    out: list[str] = []
    out_len = 0  # characters in ``out`` (to slice the inner text of <a> without href)
    u16 = 0
    entities: list[dict[str, Any]] = []
    # (tag, argument, utf-16 offset, index in the plain text) of each open tag
    stack: list[tuple[str, str, int, int]] = []

    def char_at(k: int) -> str:
        return html[k] if k < n else ""

    def fail(message: str) -> _ParseError:
        return _ParseError(message)

    i = 0
    while i < n:
        c = html[i]
        if c == "&":
            decoded = _decode_html_entity(html, i)
            if decoded is not None:
                char, i = decoded
                out.append(char)
                out_len += 1
                u16 += _u16(char)
                continue
        if c != "<":
            out.append(c)
            out_len += 1
            u16 += 2 if ord(c) > 0xFFFF else 1
            i += 1
            continue

        begin = i
        begin_byte = _byte_offset(html, begin)
        i += 1
        if char_at(i) != "/":
            # Start tag.
            while i < n and html[i] not in _SPACES and html[i] != ">":
                i += 1
            if i >= n:
                raise fail(f"Unclosed start tag at byte offset {begin_byte}")
            tag = html[begin + 1 : i].lower()
            if tag not in _HTML_TAGS:
                raise fail(f'Unsupported start tag "{tag}" at byte offset {begin_byte}')
            argument = ""
            while char_at(i) != ">":
                while i < n and html[i] in _SPACES:
                    i += 1
                if char_at(i) == ">":
                    break
                attr_begin = i
                while i < n and html[i] not in _SPACES and html[i] not in "=>":
                    i += 1
                attr_name = html[attr_begin:i].lower()
                if not attr_name:
                    raise fail(
                        f'Empty attribute name in the tag "{tag}" at byte offset {begin_byte}'
                    )
                while i < n and html[i] in _SPACES:
                    i += 1
                if char_at(i) != "=":
                    if tag == "blockquote" and attr_name == "expandable":
                        argument = "1"
                        continue
                    if i >= n:
                        raise fail(f'Unclosed start tag "{tag}" at byte offset {begin_byte}')
                    raise fail(
                        "Expected equal sign in declaration of an attribute of the tag "
                        f'"{tag}" at byte offset {begin_byte}'
                    )
                i += 1
                while i < n and html[i] in _SPACES:
                    i += 1
                if i >= n:
                    raise fail(f'Unclosed start tag "{tag}" at byte offset {begin_byte}')
                if html[i] not in "'\"":
                    token_begin = i
                    while i < n and ((html[i].isascii() and html[i].isalnum()) or html[i] in ".-"):
                        i += 1
                    value = html[token_begin:i].lower()
                    if i < n and html[i] not in _SPACES and html[i] != ">":
                        raise fail(
                            "Unexpected end of name token at byte offset "
                            f"{_byte_offset(html, token_begin)}"
                        )
                else:
                    quote = html[i]
                    i += 1
                    chars: list[str] = []
                    while i < n and html[i] != quote:
                        if html[i] == "&":
                            decoded = _decode_html_entity(html, i)
                            if decoded is not None:
                                chars.append(decoded[0])
                                i = decoded[1]
                                continue
                        chars.append(html[i])
                        i += 1
                    if i < n:
                        i += 1  # closing quote
                    value = "".join(chars)
                if i >= n:
                    raise fail(f"Unclosed start tag at byte offset {begin_byte}")
                if tag == "a" and attr_name == "href":
                    argument = value
                elif tag == "code" and attr_name == "class" and value.startswith("language-"):
                    argument = value[len("language-") :]
                elif tag == "span" and attr_name == "class" and value.startswith("tg-"):
                    argument = value[len("tg-") :]
                elif tag == "tg-emoji" and attr_name == "emoji-id":
                    argument = value
            if tag == "span" and argument != "spoiler":
                raise fail(f'Tag "span" must have class "tg-spoiler" at byte offset {begin_byte}')
            stack.append((tag, argument, u16, out_len))
        else:
            # End tag.
            if not stack:
                raise fail(f"Unexpected end tag at byte offset {begin_byte}")
            while i < n and html[i] not in _SPACES and html[i] != ">":
                i += 1
            end_name = html[begin + 2 : i].lower()
            while i < n and html[i] in _SPACES:
                i += 1
            if char_at(i) != ">":
                raise fail(f"Unclosed end tag at byte offset {begin_byte}")
            tag, argument, start_u16, start_index = stack[-1]
            if end_name and end_name != tag:
                raise fail(
                    f"Unmatched end tag at byte offset {begin_byte}, "
                    f'expected "</{tag}>", found "</{end_name}>"'
                )
            length = u16 - start_u16
            if length > 0:
                if tag in ("pre", "code"):
                    _add_code_entity(entities, tag, argument, start_u16, length)
                else:
                    inner = "".join(out)[start_index:]
                    entity = _html_entity(tag, argument, start_u16, length, inner)
                    if entity is not None:
                        entities.append(entity)
            stack.pop()
        i += 1  # past ">"

    if stack:
        raise _ParseError(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _add_code_entity(
    entities: list[dict[str, Any]], tag: str, language: str, offset: int, length: int
) -> None:
    """``<pre><code class="language-x">`` becomes one ``pre`` entity with a language."""
    last = entities[-1] if entities else None
    same_span = last is not None and last["offset"] == offset and last["length"] == length
    if tag == "pre" and same_span and last and last["type"] == "code" and last.get("_lang"):
        last["type"] = "pre"
        last["language"] = last.pop("_lang")
        return
    if tag == "code" and same_span and last and last["type"] == "pre" and language:
        last["language"] = language
        return
    entity: dict[str, Any] = {"type": tag, "offset": offset, "length": length}
    if tag == "code" and language:
        entity["_lang"] = language
    entities.append(entity)


def _strip_private_keys(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]


_MDV2_TYPE_NAMES = {
    "bold": "Bold",
    "italic": "Italic",
    "underline": "Underline",
    "strikethrough": "Strikethrough",
    "spoiler": "Spoiler",
    "code": "Code",
    "pre": "Pre",
    "text_link": "TextUrl",
}
_MDV2_RESERVED = "_*[]()~`>#+-=|{}.!"


def parse_markdown_v2(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse MarkdownV2 (simplified port of tdlib): reserved characters must be escaped."""
    n = len(text)
    out: list[str] = []
    u16 = 0
    entities: list[dict[str, Any]] = []
    stack: list[dict[str, Any]] = []

    def emit(chars: str) -> None:
        nonlocal u16
        out.append(chars)
        u16 += _u16(chars)

    def open_entity(kind: str, at: int) -> None:
        stack.append(
            {
                "type": kind,
                "offset": u16,
                "byte": _byte_offset(text, at),
                "index": len("".join(out)),
            }
        )

    def close_entity(extra: dict[str, Any] | None = None) -> None:
        entity = stack.pop()
        length = u16 - entity["offset"]
        if length > 0:
            result = {"type": entity["type"], "offset": entity["offset"], "length": length}
            result.update(extra or {})
            entities.append(result)

    i = 0
    line_start = True
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and 0 < ord(text[i + 1]) <= 126:
            emit(text[i + 1])
            i += 2
            line_start = False
            continue
        top = stack[-1]["type"] if stack else None
        if top in ("code", "pre"):
            if top == "code" and c == "`":
                close_entity()
                i += 1
            elif top == "pre" and text.startswith("```", i):
                close_entity(stack[-1].get("extra"))
                i += 3
            else:
                emit(c)
                i += 1
            continue
        if c == ">" and line_start:
            i += 1  # blockquote marker: accepted, not modelled as an entity
            continue
        line_start = c == "\n"
        if text.startswith("```", i):
            j = i + 3
            newline = text.find("\n", j)
            language = ""
            if newline != -1 and " " not in text[j:newline] and "`" not in text[j:newline]:
                language = text[j:newline]
                j = newline + 1
            open_entity("pre", i)
            if language:
                stack[-1]["extra"] = {"language": language}
            i = j
            continue
        kind: str | None = None
        width = 1
        if c == "*":
            kind = "bold"
        elif c == "~":
            kind = "strikethrough"
        elif c == "`":
            kind = "code"
        elif c == "|" and text.startswith("||", i):
            kind, width = "spoiler", 2
        elif c == "_":
            if top == "italic":
                kind = "italic"
            elif text.startswith("__", i):
                kind, width = "underline", 2
            else:
                kind = "italic"
        if kind is not None:
            if top == kind:
                close_entity()
            else:
                open_entity(kind, i)
            i += width
            continue
        if c == "[":
            open_entity("text_link", i)
            i += 1
            continue
        if c == "]" and top == "text_link":
            i += 1
            url = ""
            if i < n and text[i] == "(":
                url_begin = i + 1
                j = url_begin
                chars: list[str] = []
                while j < n and text[j] != ")":
                    if text[j] == "\\" and j + 1 < n:
                        chars.append(text[j + 1])
                        j += 2
                        continue
                    chars.append(text[j])
                    j += 1
                if j >= n:
                    raise _ParseError(
                        f"Can't find end of a URL at byte offset {_byte_offset(text, url_begin)}"
                    )
                url = "".join(chars)
                i = j + 1
            else:
                url = "".join(out)[stack[-1]["index"] :]
            checked = _checked_link(url)
            if checked:
                close_entity({"url": checked})
            else:
                stack.pop()
            continue
        if c in _MDV2_RESERVED:
            raise _ParseError(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        emit(c)
        i += 1
    if stack:
        entity = stack[-1]
        name = _MDV2_TYPE_NAMES.get(entity["type"], entity["type"])
        if entity["type"] == "pre" and entity.get("extra"):
            name = "PreCode"
        raise _ParseError(f"Can't find end of {name} entity at byte offset {entity['byte']}")
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def parse_markdown(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Parse legacy Markdown: ``*bold*``, ``_italic_``, `` `code` ``, ``[text](url)``.

    The classic failure is an unescaped ``_`` (in a username, an e-mail...): Telegram then
    refuses the whole message, and so does this.
    """
    n = len(text)
    out: list[str] = []
    u16 = 0
    entities: list[dict[str, Any]] = []
    i = 0
    while i < n:
        c = text[i]
        if c == "\\" and i + 1 < n and text[i + 1] in "_*`[":
            out.append(text[i + 1])
            u16 += 1
            i += 2
            continue
        if c not in "_*`[":
            out.append(c)
            u16 += _u16(c)
            i += 1
            continue
        begin_byte = _byte_offset(text, i)
        if text.startswith("```", i):
            end = text.find("```", i + 3)
            if end == -1:
                raise _ParseError(
                    f"Can't find end of the entity starting at byte offset {begin_byte}"
                )
            inner = text[i + 3 : end]
            entity: dict[str, Any] = {"type": "pre"}
            i = end + 3
        else:
            closing = "]" if c == "[" else c
            end = text.find(closing, i + 1)
            if end == -1:
                raise _ParseError(
                    f"Can't find end of the entity starting at byte offset {begin_byte}"
                )
            inner = text[i + 1 : end]
            i = end + 1
            entity = {"type": {"_": "italic", "*": "bold", "`": "code", "[": "text_link"}[c]}
            if c == "[":
                url = ""
                if i < n and text[i] == "(":
                    close = text.find(")", i)
                    if close == -1:
                        raise _ParseError(
                            f"Can't find end of the entity starting at byte offset {begin_byte}"
                        )
                    url = text[i + 1 : close]
                    i = close + 1
                checked = _checked_link(url or inner)
                if not checked:
                    entity = {}
                else:
                    entity["url"] = checked
        length = _u16(inner)
        if entity and length:
            entity.update({"offset": u16, "length": length})
            entities.append(entity)
        out.append(inner)
        u16 += length
    return "".join(out), entities


def _trim(text: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram strips leading/trailing whitespace and shifts/clips entities accordingly."""
    stripped = text.strip(_SPACES)
    if stripped == text:
        return text, entities
    left = _u16(text[: len(text) - len(text.lstrip(_SPACES))])
    total = _u16(stripped)
    kept: list[dict[str, Any]] = []
    for entity in entities:
        start = max(entity["offset"] - left, 0)
        end = min(entity["offset"] + entity["length"] - left, total)
        if end > start:
            kept.append({**entity, "offset": start, "length": end - start})
    return stripped, kept


def format_text(
    text: str, parse_mode: str | None, entities: list[dict[str, Any]] | None = None
) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram displays for ``text`` sent with ``parse_mode``: ``(plain, entities)``.

    Raises :class:`BotApiError` with Telegram's "can't parse entities" description.
    """
    if entities:
        # Explicit entities win over parse_mode, as with Telegram.
        return _trim(text, [dict(e) for e in entities])
    mode = (parse_mode or "").strip()
    parser: Callable[[str], tuple[str, list[dict[str, Any]]]] | None
    parser = {
        "": None,
        "html": parse_html,
        "markdownv2": parse_markdown_v2,
        "markdown": parse_markdown,
    }.get(mode.lower(), _unsupported_mode)
    if parser is None:
        return _trim(text, [])
    try:
        plain, found = parser(text)
    except _ParseError as exc:
        raise _bad_request(f"can't parse entities: {exc}") from None
    return _trim(plain, _strip_private_keys(found))


def _unsupported_mode(text: str) -> tuple[str, list[dict[str, Any]]]:
    raise BotApiError(400, "Bad Request: unsupported parse_mode")


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
            # PTB hands enums (str subclasses) inside dicts: keep plain JSON values only.
            with contextlib.suppress(TypeError, ValueError):
                value = json.loads(json.dumps(value))
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


# --------------------------------------------------------------------------------------------
# The API itself
# --------------------------------------------------------------------------------------------


class LocalBotApi:
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
            return copy.deepcopy(message.raw)
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
                body["entities"] = copy.deepcopy(message.entities)
        elif message.kind in ("document", "photo"):
            body[message.kind] = copy.deepcopy(message.file_json)
            if message.text:
                body["caption"] = message.text
                if message.entities:
                    body["caption_entities"] = copy.deepcopy(message.entities)
        elif message.kind == "venue":
            body["venue"] = copy.deepcopy(message.venue)
            body["location"] = copy.deepcopy(message.location)
        elif message.kind == "location":
            body["location"] = copy.deepcopy(message.location)
        if _is_inline(message.reply_markup):
            body["reply_markup"] = copy.deepcopy(message.reply_markup)
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
        return copy.deepcopy(self._deliverable()[:limit])

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
                reply_markup=copy.deepcopy(markup),
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

    def _take_file(self, params: dict[str, Any], key: str) -> _StoredFile | tuple:
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
        if kind == "document":
            file_json: Any = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
            }
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
                reply_markup=copy.deepcopy(markup),
                filename=stored.filename,
                data=stored.data,
                file_json=file_json,
            )
        )
        return self._sent_json(message, reply)

    def _send_document(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._send_file(params, "document")

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
                reply_markup=copy.deepcopy(markup),
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
            self._new_bot_message(
                chat_id, "location", location=location, reply_markup=copy.deepcopy(markup)
            )
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
        return copy.deepcopy(markup)

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
        self.commands[key] = copy.deepcopy(commands)
        return True

    def _get_my_commands(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        key = self.commands_key(params.get("scope"), params.get("language_code") or "")
        return copy.deepcopy(self.commands.get(key, []))

    def _delete_my_commands(self, params: dict[str, Any]) -> bool:
        key = self.commands_key(params.get("scope"), params.get("language_code") or "")
        self.commands.pop(key, None)
        return True

    def _set_chat_menu_button(self, params: dict[str, Any]) -> bool:
        chat_id = params.get("chat_id")
        if chat_id is not None and chat_id not in self._chats:
            raise _bad_request("chat not found")
        self.menu_buttons[chat_id] = copy.deepcopy(params.get("menu_button") or {"type": "default"})
        return True

    def _get_chat_menu_button(self, params: dict[str, Any]) -> dict[str, Any]:
        button = self.menu_buttons.get(params.get("chat_id")) or self.menu_buttons.get(None)
        return copy.deepcopy(button or {"type": "commands"})

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

    # ---------------------------------------------------------------- user side

    def _deliver(self, update: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self._next_update_id, **update}
        self._next_update_id += 1
        if self.queue_updates:
            self._updates.append(update)
            self._cond.notify_all()
        return copy.deepcopy(update)

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
                    location=copy.deepcopy(content.get("location")),
                )
            )
            return self._deliver({"message": copy.deepcopy(body)})

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
            body = copy.deepcopy(target.raw)
            body["text"] = new_text
            body.pop("entities", None)
            entities = self._command_entities(new_text)
            if entities:
                body["entities"] = entities
            body["edit_date"] = self._now()
            target.raw = copy.deepcopy(body)
            target.text = new_text
            target.edited = True
            target.seq = self._bump()
            return self._deliver({"edited_message": body})

    def channel_post_update(self, chat_id: int, text: str, *, title: str = "Canal") -> dict:
        """A post in a channel where the bot is admin."""
        with self._cond:
            chat = self._chats.get(chat_id) or {"id": chat_id, "type": "channel", "title": title}
            self._chats[chat_id] = chat
            body = {
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
            return self._deliver({"channel_post": copy.deepcopy(body)})

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


# --------------------------------------------------------------------------------------------
# python-telegram-bot request adapter
# --------------------------------------------------------------------------------------------


class LocalRequest(BaseRequest):
    """A :class:`telegram.request.BaseRequest` answering from a :class:`LocalBotApi`."""

    def __init__(self, api: LocalBotApi, *, max_poll_wait: float = 1.0) -> None:
        self.api = api
        self.max_poll_wait = max_poll_wait

    @property
    def read_timeout(self) -> float | None:
        """Default read timeout (only used by PTB to compute polling timeouts)."""
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Release a getUpdates call that may still be waiting in a worker thread."""
        self.api.interrupt_waiters()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        """Run the method named by the last path segment of ``url`` against the local API."""
        path = urlsplit(url).path
        if "/file/bot" in path:
            file_path = path.split("/file/bot", 1)[1].split("/", 1)[-1]
            try:
                return 200, self.api.file_content(unquote(file_path))
            except BotApiError as exc:
                return exc.code, json.dumps(exc.to_json()).encode()
        api_method = path.rsplit("/", 1)[-1]
        if self.api.network_faults.get(api_method.lower(), 0) > 0:
            # As if the network dropped the request: PTB sees a timeout, Telegram saw nothing.
            self.api.network_faults[api_method.lower()] -= 1
            raise TimedOut("local network fault")
        params: dict[str, Any] = dict(request_data.parameters) if request_data else {}
        if request_data is not None and request_data.contains_files:
            # InputFiles are not in ``parameters`` (their value is None or "attach://name");
            # their bytes are in ``multipart_data`` under the parameter or attach name.
            for name, (filename, content, mime_type) in request_data.multipart_data.items():
                data = content if isinstance(content, bytes) else content.read()
                params[name] = UploadedFile(filename, data, mime_type)
        try:
            if api_method.lower() == "getupdates" and float(params.get("timeout") or 0) > 0:
                # Long polling blocks: keep it off the event loop.
                result = await asyncio.to_thread(
                    self.api.handle, api_method, params, max_wait=self.max_poll_wait
                )
            else:
                result = self.api.handle(api_method, params)
        except BotApiError as exc:
            return exc.code, json.dumps(exc.to_json()).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()


# --------------------------------------------------------------------------------------------
# HTTP server
# --------------------------------------------------------------------------------------------


def _parse_body(content_type: str, body: bytes) -> dict[str, Any]:
    """Parameters of a Bot API request body (JSON, url-encoded form or multipart form)."""
    if not body:
        return {}
    mime = content_type.split(";", 1)[0].strip().lower()
    if mime == "application/json":
        parsed = json.loads(body.decode("utf-8"))
        if not isinstance(parsed, dict):
            raise _bad_request("wrong JSON body")
        return parsed
    if mime == "multipart/form-data":
        header = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = BytesParser(policy=policy.HTTP).parsebytes(header + body)
        params: dict[str, Any] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            if not name:
                continue
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                params[str(name)] = UploadedFile(filename, payload, part.get_content_type())
            else:
                params[str(name)] = payload.decode("utf-8")
        return params
    return dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))


class LocalBotApiServer:
    """Serves a :class:`LocalBotApi` over real HTTP (``/bot<token>/<method>``) on localhost."""

    def __init__(self, api: LocalBotApi, host: str = "127.0.0.1", port: int = 0) -> None:
        self.api = api
        api.queue_updates = True
        self._server = ThreadingHTTPServer((host, port), self._handler_class())
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The TCP port actually listened on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """Base URL for PTB's ``base_url`` (the token is appended to it)."""
        return f"http://{self._server.server_address[0]}:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """Base URL for PTB's ``base_file_url``."""
        return f"http://{self._server.server_address[0]}:{self.port}/file/bot"

    def start(self) -> LocalBotApiServer:
        """Serve in a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._server.serve_forever, name="LocalBotApiServer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and release the port (wakes pending long polls first)."""
        self.api.interrupt_waiters()
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalBotApiServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        api = self.api

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                _LOGGER.debug("bot api: " + format, *args)

            def _reply(self, code: int, body: bytes, content_type: str) -> None:
                try:
                    self.send_response(code)
                    self.send_header("Content-Type", content_type)
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    # The client gave up (a long poll cancelled on shutdown): nothing to tell.
                    self.close_connection = True

            def _json(self, code: int, body: dict[str, Any]) -> None:
                self._reply(code, json.dumps(body).encode(), "application/json")

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                parts = urlsplit(self.path)
                try:
                    if parts.path.startswith("/file/bot"):
                        file_path = parts.path.split("/file/bot", 1)[1].split("/", 1)[-1]
                        data = api.file_content(unquote(file_path))
                        self._reply(200, data, "application/octet-stream")
                        return
                    segments = parts.path.strip("/").split("/")
                    if len(segments) != 2 or not segments[0].startswith("bot"):
                        raise BotApiError(404, "Not Found")
                    params: dict[str, Any] = dict(parse_qsl(parts.query))
                    params.update(_parse_body(self.headers.get("Content-Type", ""), body))
                    result = api.handle(segments[1], params, max_wait=10.0)
                except BotApiError as exc:
                    self._json(exc.code, exc.to_json())
                except Exception:  # the server must answer something, like Telegram's 500
                    _LOGGER.exception("local Bot API failed on %s", self.path)
                    self._json(
                        500,
                        {"ok": False, "error_code": 500, "description": "Internal Server Error"},
                    )
                else:
                    self._json(200, {"ok": True, "result": result})

            do_GET = _serve  # http.server dispatches on these names
            do_POST = _serve

        return Handler


# --------------------------------------------------------------------------------------------
# The user's side
# --------------------------------------------------------------------------------------------


class _ErrorCapture(logging.Handler):
    """Collects exceptions PTB logs when a handler fails and no error handler is registered."""

    def __init__(self) -> None:
        super().__init__(level=logging.ERROR)
        self.errors: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.errors.append(record.exc_info[1])


class Chat:
    """A user talking to the bot: feeds updates to ``app`` and reports what the bot did.

    Each action returns the bot messages created or edited while the update was processed
    (in this chat), in the order it happened. With ``raise_errors`` (default), an exception
    raised by a handler and not handled by an error handler of the app is re-raised here, so
    a test fails with the real traceback instead of "no reply".
    """

    def __init__(
        self,
        app: Application[Any, Any, Any, Any, Any, Any],
        api: LocalBotApi,
        user_id: int = 1001,
        first_name: str = "Awa",
        *,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str = "fr",
        chat_id: int | None = None,
        chat_type: str | None = None,
        title: str | None = None,
        raise_errors: bool = True,
        settle_timeout: float = 5.0,
    ) -> None:
        self.app = app
        self.api = api
        self.user_id = user_id
        self.chat_id = user_id if chat_id is None else chat_id
        self.raise_errors = raise_errors
        self.settle_timeout = settle_timeout
        self._kw: dict[str, Any] = {
            "first_name": first_name,
            "language_code": language_code,
        }
        if last_name is not None:
            self._kw["last_name"] = last_name
        if username is not None:
            self._kw["username"] = username
        if chat_id is not None:
            self._kw["chat_id"] = chat_id
        if chat_type is not None:
            self._kw["chat_type"] = chat_type
        if title is not None:
            self._kw["title"] = title

    # ---------------------------------------------------------------- actions

    async def send(self, text: str, *, reply_to: int | None = None) -> list[SentMessage]:
        """Type and send ``text``."""
        return await self.feed(
            self.api.text_update(self.user_id, text, reply_to=reply_to, **self._kw)
        )

    async def tap(self, label: str) -> list[SentMessage]:
        """Tap the button labelled ``label``: inline first, else on the reply keyboard."""
        try:
            message_id, data = self.api.find_button(self.chat_id, label)
        except LookupError as inline_error:
            keyboard = self.api.reply_keyboard(self.chat_id) or {}
            for row in keyboard.get("keyboard", []):
                for button in row:
                    text = button if isinstance(button, str) else button.get("text")
                    if text != label:
                        continue
                    if isinstance(button, dict) and button.get("request_contact"):
                        return await self.share_contact()
                    if isinstance(button, dict) and button.get("request_location"):
                        return await self.send_location()
                    return await self.send(label)
            reply_labels = SentMessage(0, 0, "text", reply_markup=keyboard).buttons()
            raise LookupError(f"{inline_error}; reply keyboard: {reply_labels}") from None
        return await self.tap_data(message_id, data)

    async def tap_data(self, message_id: int, data: str) -> list[SentMessage]:
        """Send a raw callback query (stale or forged data included)."""
        return await self.feed(self.api.callback_update(self.user_id, message_id, data, **self._kw))

    async def share_contact(
        self, phone: str = "+33612345678", own: bool = True
    ) -> list[SentMessage]:
        """Share a contact: one's own (request_contact button) or someone else's."""
        contact_user_id = self.user_id if own else self.user_id + 1_000_000
        return await self.feed(
            self.api.contact_update(
                self.user_id,
                phone,
                contact_user_id=contact_user_id,
                first_name=self._kw["first_name"],
                **{k: v for k, v in self._kw.items() if k != "first_name"},
            )
        )

    async def send_sticker(self, emoji: str = "👍") -> list[SentMessage]:
        """Send a sticker."""
        return await self.feed(self.api.sticker_update(self.user_id, emoji=emoji, **self._kw))

    async def send_photo(self, caption: str | None = None) -> list[SentMessage]:
        """Send a photo."""
        return await self.feed(self.api.photo_update(self.user_id, caption=caption, **self._kw))

    async def send_voice(self, duration: int = 3) -> list[SentMessage]:
        """Send a voice note."""
        return await self.feed(self.api.voice_update(self.user_id, duration=duration, **self._kw))

    async def send_location(
        self, latitude: float = 48.9146, longitude: float = 2.3821
    ) -> list[SentMessage]:
        """Share a location (default: Aubervilliers)."""
        return await self.feed(
            self.api.location_update(self.user_id, latitude, longitude, **self._kw)
        )

    async def send_document(
        self,
        filename: str = "cv.pdf",
        content: bytes = b"%PDF-1.4\n%fake\n",
        caption: str | None = None,
    ) -> list[SentMessage]:
        """Send a file."""
        return await self.feed(
            self.api.document_update(
                self.user_id, filename=filename, content=content, caption=caption, **self._kw
            )
        )

    async def edit(self, message_id: int, new_text: str) -> list[SentMessage]:
        """Edit one of one's own messages."""
        return await self.feed(
            self.api.edited_text_update(self.user_id, message_id, new_text, **self._kw)
        )

    async def feed(self, update: dict[str, Any]) -> list[SentMessage]:
        """Process a raw update JSON and return the bot messages it produced in this chat."""
        capture = _ErrorCapture()
        logger = logging.getLogger("telegram.ext.Application")
        before = asyncio.all_tasks()
        mark = self.api.mark()
        logger.addHandler(capture)
        try:
            await self.app.process_update(Update.de_json(update, self.app.bot))
            await self._settle(before)
        finally:
            logger.removeHandler(capture)
        if capture.errors and self.raise_errors:
            raise capture.errors[0]
        return self.api.changed_since(mark, chat_id=self.chat_id)

    async def _settle(self, before: set[asyncio.Task[Any]]) -> None:
        """Wait for tasks started while processing (``block=False`` handlers...)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.settle_timeout
        current = asyncio.current_task()
        while True:
            pending = {
                task
                for task in asyncio.all_tasks() - before
                if task is not current and not task.done()
            }
            remaining = deadline - loop.time()
            if not pending or remaining <= 0:
                return
            await asyncio.wait(pending, timeout=remaining)

    # ---------------------------------------------------------------- reading

    @property
    def last(self) -> SentMessage:
        """The bot's latest visible message in this chat."""
        return self.api.last(self.chat_id)

    def texts(self, n: int | None = None) -> list[str]:
        """Texts of the bot's visible messages (the last ``n`` ones if given)."""
        texts = [m.text for m in self.api.bot_messages(self.chat_id)]
        return texts if n is None else texts[-n:]

    def buttons(self) -> list[str]:
        """Labels of the latest bot message carrying a keyboard still on screen (inline, or a
        reply keyboard not removed since)."""
        shown = self.api.reply_keyboard(self.chat_id)
        for message in reversed(self.api.bot_messages(self.chat_id)):
            if message.has_inline_keyboard:
                return message.buttons()
            if shown is not None and message.reply_markup == shown:
                return message.buttons()
        return SentMessage(0, 0, "text", reply_markup=shown).buttons() if shown else []

    @property
    def answers(self) -> list[dict[str, Any]]:
        """answerCallbackQuery calls for this user's callbacks."""
        return self.api.answers_for(self.user_id)

    @property
    def alerts(self) -> list[str]:
        """Non-empty texts shown (toast or alert) in answer to this user's callbacks."""
        return [a["text"] for a in self.answers if a.get("text")]

    @property
    def messages(self) -> list[SentMessage]:
        """Everything visible in this chat."""
        return self.api.messages(self.chat_id)
