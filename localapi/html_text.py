"""Telegram's HTML flavour (a port of tdlib's parse_html)."""

from __future__ import annotations

import re
from typing import Any

from localapi.parsing import _SPACES, _byte_offset, _checked_link, _ParseError, _u16

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
