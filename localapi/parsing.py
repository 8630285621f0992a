"""What Telegram's three text parsers share: the error they raise, UTF-16 offsets, links."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit


class _ParseError(Exception):
    """Raised by the formatting parsers with Telegram's own wording."""


_SPACES = " \t\n\r\v\f"


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(text: str, index: int) -> int:
    return len(text[:index].encode("utf-8"))


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


def _strip_private_keys(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in e.items() if not k.startswith("_")} for e in entities]
