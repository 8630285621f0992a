"""Telegram's MarkdownV2 and legacy Markdown."""

from __future__ import annotations

from typing import Any

from localapi.parsing import _byte_offset, _checked_link, _ParseError, _u16

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
