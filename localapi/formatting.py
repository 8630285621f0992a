"""Telegram's text formatting: what a message shows for its text and parse_mode."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from localapi.errors import BotApiError, _bad_request
from localapi.html_text import parse_html
from localapi.markdown import parse_markdown, parse_markdown_v2
from localapi.parsing import _SPACES, _ParseError, _strip_private_keys, _u16

__all__ = ["format_text", "parse_html", "parse_markdown", "parse_markdown_v2"]


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
