"""Settings, read once at start from the environment (and a `.env` file when present).

Every bad value stops the program with one clear line and exit code 2 (see `__main__`).
"""

from __future__ import annotations

import ipaddress
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

TELEGRAM_DEFAULT_API_URL = "https://api.telegram.org/bot"
PROJECT_ROOT = Path(__file__).resolve().parents[2]


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = None
    api_url: str = TELEGRAM_DEFAULT_API_URL
    database: Path = Path("var/tremplin.sqlite3")
    staff_ids: frozenset[int] = field(default_factory=frozenset)
    staff_chat_id: int | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Europe/Paris"))
    webhook_url: str | None = None
    webhook_port: int = 8443
    # Behind a reverse proxy by default: only this machine reaches the bot's HTTP server.
    webhook_listen: str = "127.0.0.1"
    # Telegram sends it back in X-Telegram-Bot-Api-Secret-Token; None: a new one each start.
    webhook_secret: str | None = None
    retention_months: int = 24
    dialogs_dir: Path = PROJECT_ROOT / "dialogs"
    locales_dir: Path = PROJECT_ROOT / "locales"
    bot_username: str | None = None  # for t.me links; else asked with getMe
    # Updates processed side by side (of different chats; one chat's stay in order).
    concurrent_updates: int = 64
    # A person's budget: beyond `flood_updates` in `flood_seconds`, her updates are dropped.
    flood_updates: int = 20
    flood_seconds: int = 10
    # Telegram's flood limits kept by the bot (off only against a local Bot API: benchmark).
    rate_limit: bool = True

    @property
    def demo(self) -> bool:
        """Without a token the bot runs as a chat in the terminal."""
        return self.token is None

    @property
    def api_file_url(self) -> str:
        """Where files are downloaded from: Telegram's `/file/bot` beside the API's `/bot`."""
        if self.api_url.endswith("/bot"):
            return self.api_url[: -len("/bot")] + "/file/bot"
        return self.api_url

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.staff_ids


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Build the settings from `environ` (default: the process environment and `.env`)."""
    if environ is None:
        if dotenv:
            _load_dotenv()
        environ = os.environ
    env = {key: value.strip() for key, value in environ.items()}
    return Settings(
        token=_token(env.get("TELEGRAM_BOT_TOKEN", "")),
        api_url=_api_url(env.get("TELEGRAM_API_URL", "")),
        database=_database(env.get("TREMPLIN_DATABASE", "")),
        staff_ids=_staff_ids(env.get("TREMPLIN_STAFF_IDS", "")),
        staff_chat_id=_chat_id(env.get("TREMPLIN_STAFF_CHAT_ID", "")),
        timezone=_timezone(env.get("TREMPLIN_TIMEZONE", "")),
        webhook_url=_webhook_url(env.get("TREMPLIN_WEBHOOK_URL", "")),
        webhook_port=_port(env.get("TREMPLIN_WEBHOOK_PORT", "")),
        webhook_listen=_listen(env.get("TREMPLIN_WEBHOOK_LISTEN", "")),
        webhook_secret=_webhook_secret(env.get("TREMPLIN_WEBHOOK_SECRET", "")),
        retention_months=_months(env.get("TREMPLIN_RETENTION_MONTHS", "")),
        dialogs_dir=_directory("TREMPLIN_DIALOGS", env.get("TREMPLIN_DIALOGS", ""), "dialogs"),
        locales_dir=_directory("TREMPLIN_LOCALES", env.get("TREMPLIN_LOCALES", ""), "locales"),
        bot_username=_bot_username(env.get("TREMPLIN_BOT_USERNAME", "")),
        concurrent_updates=_count(
            "TREMPLIN_CONCURRENT_UPDATES", env.get("TREMPLIN_CONCURRENT_UPDATES", ""), 64, 1
        ),
        flood_updates=_count("TREMPLIN_FLOOD_UPDATES", env.get("TREMPLIN_FLOOD_UPDATES", ""), 20),
        flood_seconds=_count(
            "TREMPLIN_FLOOD_SECONDS", env.get("TREMPLIN_FLOOD_SECONDS", ""), 10, 1
        ),
        rate_limit=_switch("TREMPLIN_RATE_LIMIT", env.get("TREMPLIN_RATE_LIMIT", "")),
    )


def _load_dotenv() -> None:
    # Imported here so that tests, which pass `environ`, never read a developer's .env.
    from dotenv import load_dotenv

    load_dotenv(Path.cwd() / ".env", override=False)


def _token(value: str) -> str | None:
    if not value:
        return None
    bot_id, sep, secret = value.partition(":")
    if not (
        sep
        and bot_id.isdigit()
        and len(secret) >= 4
        and secret.replace("-", "").replace("_", "").isalnum()
    ):
        raise SettingsError(
            "TELEGRAM_BOT_TOKEN is malformed: expected '<digits>:<secret>' as given by @BotFather"
        )
    return value


def _api_url(value: str) -> str:
    if not value:
        return TELEGRAM_DEFAULT_API_URL
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(
            "TELEGRAM_API_URL must be an http(s) URL such as http://127.0.0.1:8081/bot, "
            f"not {value!r}"
        )
    # A bare server address means the usual Bot API layout: <server>/bot<token>/<method>.
    if parts.path in ("", "/"):
        return value.rstrip("/") + "/bot"
    return value


def _database(value: str) -> Path:
    path = Path(value or "var/tremplin.sqlite3")
    if path.exists() and path.is_dir():
        raise SettingsError(f"TREMPLIN_DATABASE must be a file path, {str(path)!r} is a directory")
    return path


def _staff_ids(value: str) -> frozenset[int]:
    ids: set[int] = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        if not item.isdigit():
            raise SettingsError(
                f"TREMPLIN_STAFF_IDS must be Telegram user ids separated by commas, not {item!r}"
            )
        ids.add(int(item))
    return frozenset(ids)


def _chat_id(value: str) -> int | None:
    if not value:
        return None
    try:
        return int(value)
    except ValueError:
        raise SettingsError(
            "TREMPLIN_STAFF_CHAT_ID must be a Telegram chat id (an integer, often negative), "
            f"not {value!r}"
        ) from None


def _timezone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value or "Europe/Paris")
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"TREMPLIN_TIMEZONE must be an IANA time zone such as Europe/Paris, not {value!r}"
        ) from None


def _webhook_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme != "https" or not parts.netloc:
        raise SettingsError(f"TREMPLIN_WEBHOOK_URL must be an https URL, not {value!r}")
    return value


def _listen(value: str) -> str:
    if not value:
        return "127.0.0.1"
    try:
        ipaddress.ip_address(value)
    except ValueError:
        raise SettingsError(
            f"TREMPLIN_WEBHOOK_LISTEN must be an IP address such as 127.0.0.1, not {value!r}"
        ) from None
    return value


# What Telegram accepts as a webhook's secret_token.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


def _webhook_secret(value: str) -> str | None:
    if not value:
        return None
    if not _SECRET.fullmatch(value):
        # The value itself is a secret: never echo it.
        raise SettingsError(
            "TREMPLIN_WEBHOOK_SECRET must be 1 to 256 characters among A-Z a-z 0-9 _ -"
        )
    return value


def _port(value: str) -> int:
    if not value:
        return 8443
    if not value.isdigit() or not 1 <= int(value) <= 65535:
        raise SettingsError(f"TREMPLIN_WEBHOOK_PORT must be a port number (1-65535), not {value!r}")
    return int(value)


def _months(value: str) -> int:
    if not value:
        return 24
    if not value.isdigit() or not 1 <= int(value) <= 120:
        raise SettingsError(
            f"TREMPLIN_RETENTION_MONTHS must be a number of months (1-120), not {value!r}"
        )
    return int(value)


def _bot_username(value: str) -> str | None:
    """A Telegram username: 5-32 letters, digits or _, starting with a letter (@ optional)."""
    if not value:
        return None
    name = value.removeprefix("@")
    if not (5 <= len(name) <= 32 and name[0].isascii() and name[0].isalpha()) or not all(
        c.isascii() and (c.isalnum() or c == "_") for c in name
    ):
        raise SettingsError(
            f"TREMPLIN_BOT_USERNAME must be the bot's username such as tremplin_bot, not {value!r}"
        )
    return name


def _count(name: str, value: str, default: int, lowest: int = 0) -> int:
    if not value:
        return default
    if not value.isdigit() or not lowest <= int(value) <= 10_000:
        raise SettingsError(f"{name} must be a whole number ({lowest}-10000), not {value!r}")
    return int(value)


def _switch(name: str, value: str) -> bool:
    if value.lower() in ("", "on", "1", "yes", "true"):
        return True
    if value.lower() in ("off", "0", "no", "false"):
        return False
    raise SettingsError(f"{name} must be on or off, not {value!r}")


def _directory(name: str, value: str, default: str) -> Path:
    path = Path(value) if value else PROJECT_ROOT / default
    if not path.is_dir():
        raise SettingsError(f"{name} must be an existing folder, {str(path)!r} is not")
    return path
