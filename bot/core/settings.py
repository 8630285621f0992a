"""Settings, read once at start from the environment and an env file.

The env file is `TREMPLIN_ENV_FILE` (a service points it at `/etc/tremplin/tremplin.env`), or
`.env` at the root of a checkout; variables already in the environment win. The state (the
database and what sits beside it) lives in `TREMPLIN_STATE_DIR`, else systemd's
`STATE_DIRECTORY`, else `var/` of a checkout: nothing depends on the current folder.

Every bad value stops the program with one clear line and exit code 2 (see `__main__`).
"""

from __future__ import annotations

import ipaddress
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.core.backup import BackupPlan

TELEGRAM_DEFAULT_API_URL = "https://api.telegram.org/bot"
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# `bot/`: when installed from the wheel, dialogs/ and locales/ are inside it (package data).
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def in_checkout() -> bool:
    """Running from a clone of the repository (development), not from an installed wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "bot").is_dir()


def shipped_folder(name: str) -> Path:
    """`dialogs` or `locales` as shipped: inside the installed package, else the checkout's."""
    inside = PACKAGE_DIR / name
    return inside if inside.is_dir() else PROJECT_ROOT / name


class SettingsError(ValueError):
    """A setting is missing or malformed; the message names it and says what is expected."""


@dataclass(frozen=True, slots=True)
class Settings:
    token: str | None = None
    api_url: str = TELEGRAM_DEFAULT_API_URL
    database: Path = PROJECT_ROOT / "var" / "tremplin.sqlite3"
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
    dialogs_dir: Path = field(default_factory=lambda: shipped_folder("dialogs"))
    locales_dir: Path = field(default_factory=lambda: shipped_folder("locales"))
    bot_username: str | None = None  # for t.me links; else asked with getMe
    # Who is told when something breaks; empty: the staff chat, else the staff ids.
    operator_ids: frozenset[int] = field(default_factory=frozenset)
    backup_dir: Path | None = None  # None: `backups/` beside the database
    backup_daily: int = 7
    backup_weekly: int = 4
    backup_monthly: int = 6
    backup_age_recipient: str | None = None  # an age public key (age1…): backups encrypted
    log_level: str = "INFO"
    log_format: str = "text"  # or "json": one JSON object a line
    db_watch_seconds: int = 30
    disk_min_free_mb: int = 200
    # The folder of the database (and of what the bot keeps beside it).
    state_dir: Path = PROJECT_ROOT / "var"
    # The env file that was read, if any (named in messages about a missing setting).
    env_file: Path | None = None
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
    def structure_locales_dir(self) -> Path | None:
        """A structure's own catalogs, beside its dialogs (`TREMPLIN_DIALOGS/locales/`): the
        texts it adds, read before the shipped catalogs. None when it has none."""
        folder = self.dialogs_dir / "locales"
        return folder if folder.is_dir() and folder != self.locales_dir else None

    @property
    def api_file_url(self) -> str:
        """Where files are downloaded from: Telegram's `/file/bot` beside the API's `/bot`."""
        if self.api_url.endswith("/bot"):
            return self.api_url[: -len("/bot")] + "/file/bot"
        return self.api_url

    @property
    def backup_plan(self) -> BackupPlan:
        folder = self.backup_dir or self.database.parent / "backups"
        return BackupPlan(folder=folder, age_recipient=self.backup_age_recipient)

    @property
    def operators(self) -> tuple[int, ...]:
        """The chats told when something breaks."""
        if self.operator_ids:
            return tuple(sorted(self.operator_ids))
        if self.staff_chat_id is not None:
            return (self.staff_chat_id,)
        return tuple(sorted(self.staff_ids))

    def is_staff(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.staff_ids


def load_settings(environ: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Build the settings from `environ` (default: the process environment and the env file)."""
    env_file = None
    if environ is None:
        if dotenv:
            env_file = _load_dotenv(os.environ)
        environ = os.environ
    env = {key: value.strip() for key, value in environ.items()}
    state_dir = _state_dir(env)
    dialogs_dir = _directory("TREMPLIN_DIALOGS", env.get("TREMPLIN_DIALOGS", ""), "dialogs")
    return Settings(
        token=_token(env.get("TELEGRAM_BOT_TOKEN", "")),
        api_url=_api_url(env.get("TELEGRAM_API_URL", "")),
        database=_database(env.get("TREMPLIN_DATABASE", ""), state_dir),
        staff_ids=_staff_ids(env.get("TREMPLIN_STAFF_IDS", "")),
        staff_chat_id=_chat_id(env.get("TREMPLIN_STAFF_CHAT_ID", "")),
        timezone=_timezone(env.get("TREMPLIN_TIMEZONE", ""), dialogs_dir),
        webhook_url=_webhook_url(env.get("TREMPLIN_WEBHOOK_URL", "")),
        webhook_port=_port(env.get("TREMPLIN_WEBHOOK_PORT", "")),
        webhook_listen=_listen(env.get("TREMPLIN_WEBHOOK_LISTEN", "")),
        webhook_secret=_webhook_secret(env.get("TREMPLIN_WEBHOOK_SECRET", "")),
        retention_months=_months(env.get("TREMPLIN_RETENTION_MONTHS", "")),
        dialogs_dir=dialogs_dir,
        locales_dir=_directory("TREMPLIN_LOCALES", env.get("TREMPLIN_LOCALES", ""), "locales"),
        bot_username=_bot_username(env.get("TREMPLIN_BOT_USERNAME", "")),
        operator_ids=_chat_ids(env.get("TREMPLIN_OPERATOR_IDS", "")),
        backup_dir=Path(env["TREMPLIN_BACKUP_DIR"]) if env.get("TREMPLIN_BACKUP_DIR") else None,
        backup_daily=_count("TREMPLIN_BACKUP_DAILY", env.get("TREMPLIN_BACKUP_DAILY", ""), 7),
        backup_weekly=_count("TREMPLIN_BACKUP_WEEKLY", env.get("TREMPLIN_BACKUP_WEEKLY", ""), 4),
        backup_monthly=_count("TREMPLIN_BACKUP_MONTHLY", env.get("TREMPLIN_BACKUP_MONTHLY", ""), 6),
        backup_age_recipient=_age_recipient(env.get("TREMPLIN_BACKUP_AGE_RECIPIENT", "")),
        log_level=_log_level(env.get("LOG_LEVEL", "")),
        log_format=_log_format(env.get("TREMPLIN_LOG_FORMAT", "")),
        db_watch_seconds=_bounded(
            "TREMPLIN_DB_WATCH_SECONDS", env.get("TREMPLIN_DB_WATCH_SECONDS", ""), 30, 1, 60
        ),
        disk_min_free_mb=_bounded(
            "TREMPLIN_DISK_MIN_FREE_MB", env.get("TREMPLIN_DISK_MIN_FREE_MB", ""), 200, 0, 10**7
        ),
        state_dir=state_dir,
        env_file=env_file,
        concurrent_updates=_count(
            "TREMPLIN_CONCURRENT_UPDATES", env.get("TREMPLIN_CONCURRENT_UPDATES", ""), 64, 1
        ),
        flood_updates=_count("TREMPLIN_FLOOD_UPDATES", env.get("TREMPLIN_FLOOD_UPDATES", ""), 20),
        flood_seconds=_count(
            "TREMPLIN_FLOOD_SECONDS", env.get("TREMPLIN_FLOOD_SECONDS", ""), 10, 1
        ),
        rate_limit=_switch("TREMPLIN_RATE_LIMIT", env.get("TREMPLIN_RATE_LIMIT", "")),
    )


def env_file_of(environ: Mapping[str, str]) -> Path | None:
    """The env file to read: `TREMPLIN_ENV_FILE`, else `.env` of a checkout, else none."""
    value = environ.get("TREMPLIN_ENV_FILE", "").strip()
    if value:
        path = Path(value)
        if not path.exists() or path.is_dir():
            raise SettingsError(f"TREMPLIN_ENV_FILE must be an existing file, {value!r} is not")
        return path
    default = PROJECT_ROOT / ".env"
    return default if in_checkout() and default.is_file() else None


def _load_dotenv(environ: Mapping[str, str]) -> Path | None:
    # Imported here so that tests, which pass `environ`, never read a developer's .env.
    from dotenv import load_dotenv

    path = env_file_of(environ)
    if path is None:
        return None
    try:
        with path.open(encoding="utf-8") as stream:
            load_dotenv(stream=stream, override=False)
    except (OSError, UnicodeDecodeError) as error:
        raise SettingsError(
            f"TREMPLIN_ENV_FILE: cannot read {str(path)!r} ({type(error).__name__})"
        ) from None
    return path


def _state_dir(env: Mapping[str, str]) -> Path:
    """TREMPLIN_STATE_DIR, else systemd's STATE_DIRECTORY (its first folder), else a default:
    `var/` of a checkout, `$XDG_STATE_HOME/tremplin` (~/.local/state/tremplin) otherwise."""
    name = "TREMPLIN_STATE_DIR"
    value = env.get(name, "")
    if not value and env.get("STATE_DIRECTORY"):
        name, value = "STATE_DIRECTORY", env["STATE_DIRECTORY"].split(":")[0]
    if not value:
        if in_checkout():
            return PROJECT_ROOT / "var"
        xdg = env.get("XDG_STATE_HOME", "")
        return (Path(xdg) if xdg else Path.home() / ".local" / "state") / "tremplin"
    path = Path(value)
    if not path.is_absolute():
        raise SettingsError(f"{name} must be an absolute folder path, not {value!r}")
    if path.exists() and not path.is_dir():
        raise SettingsError(f"{name} must be a folder, {value!r} is a file")
    return path


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


def _database(value: str, state_dir: Path) -> Path:
    # A relative path is inside the state folder, wherever the program is started from.
    path = state_dir / (value or "tremplin.sqlite3")
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


def _timezone(value: str, dialogs_dir: Path) -> ZoneInfo:
    """TREMPLIN_TIMEZONE when set, else the structure's (structure.toml `timezone`, checked
    by `python -m bot check`), else Europe/Paris."""
    if not value:
        return _structure_timezone(dialogs_dir)
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"TREMPLIN_TIMEZONE must be an IANA time zone such as Europe/Paris, not {value!r}"
        ) from None


def _structure_timezone(dialogs_dir: Path) -> ZoneInfo:
    try:
        with (dialogs_dir / "structure.toml").open("rb") as handle:
            name = tomllib.load(handle).get("timezone")
        return ZoneInfo(name.strip() if isinstance(name, str) and name.strip() else "Europe/Paris")
    except (OSError, tomllib.TOMLDecodeError, ZoneInfoNotFoundError, ValueError):
        # A broken file or zone is one of the dialogs' problems (the bot does not start).
        return ZoneInfo("Europe/Paris")


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


def _chat_ids(value: str) -> frozenset[int]:
    ids: set[int] = set()
    for item in filter(None, (part.strip() for part in value.split(","))):
        try:
            ids.add(int(item))
        except ValueError:
            raise SettingsError(
                "TREMPLIN_OPERATOR_IDS must be Telegram user or chat ids separated by commas, "
                f"not {item!r}"
            ) from None
    return frozenset(ids)


def _bounded(name: str, value: str, default: int, low: int, high: int) -> int:
    if not value:
        return default
    if not value.isdigit() or not low <= int(value) <= high:
        raise SettingsError(f"{name} must be a whole number from {low} to {high}, not {value!r}")
    return int(value)


def _count(name: str, value: str, default: int, lowest: int = 0) -> int:
    return _bounded(name, value, default, lowest, 10_000)


def _age_recipient(value: str) -> str | None:
    if not value:
        return None
    if not re.fullmatch(r"age1[02-9ac-hj-np-z]{58}", value):
        raise SettingsError(
            "TREMPLIN_BACKUP_AGE_RECIPIENT must be an age public key (age1… as printed by "
            f"age-keygen), not {value!r}"
        )
    return value


_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _log_level(value: str) -> str:
    if not value:
        return "INFO"
    if value.upper() not in _LEVELS:
        raise SettingsError(f"LOG_LEVEL must be one of {', '.join(_LEVELS)}, not {value!r}")
    return value.upper()


def _log_format(value: str) -> str:
    if value.lower() not in ("", "text", "json"):
        raise SettingsError(f"TREMPLIN_LOG_FORMAT must be text or json, not {value!r}")
    return value.lower() or "text"


def _switch(name: str, value: str) -> bool:
    if value.lower() in ("", "on", "1", "yes", "true"):
        return True
    if value.lower() in ("off", "0", "no", "false"):
        return False
    raise SettingsError(f"{name} must be on or off, not {value!r}")


def _directory(name: str, value: str, default: str) -> Path:
    path = Path(value) if value else shipped_folder(default)
    if not path.is_dir():
        raise SettingsError(f"{name} must be an existing folder, {str(path)!r} is not")
    return path
