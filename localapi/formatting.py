"""Telegram's text formatting: the HTML, MarkdownV2 and legacy Markdown parsers."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from bot.core.localapi.errors import BotApiError, _bad_request

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


def _html_entity(
    tag: str, argument: str, offset: int, length: int, inner: str
) -> dict[str, Any] | None:
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
