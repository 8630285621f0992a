"""Settings: every bad value is one clear line and exit code 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.core.settings import (
    PROJECT_ROOT,
    TELEGRAM_DEFAULT_API_URL,
    SettingsError,
    load_settings,
)


def test_defaults_without_anything_set() -> None:
    settings = load_settings({})
    assert settings.demo
    assert settings.api_url == TELEGRAM_DEFAULT_API_URL
    assert settings.database == PROJECT_ROOT / "var" / "tremplin.sqlite3"
    assert settings.staff_ids == frozenset()
    assert settings.staff_chat_id is None
    assert str(settings.timezone) == "Europe/Paris"
    assert settings.webhook_url is None


def test_values_are_read_and_normalised() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "123456:ABC-def_ghi",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081",
            "TREMPLIN_STAFF_IDS": " 11, 22 ,33",
            "TREMPLIN_STAFF_CHAT_ID": "-100200300",
            "TREMPLIN_TIMEZONE": "America/Cayenne",
            "TREMPLIN_WEBHOOK_URL": "https://bot.example.org/hook",
        }
    )
    assert not settings.demo
    assert settings.api_url == "http://127.0.0.1:8081/bot"
    assert settings.api_file_url == "http://127.0.0.1:8081/file/bot"
    assert settings.staff_ids == frozenset({11, 22, 33})
    assert settings.is_staff(22) and not settings.is_staff(44)
    assert settings.staff_chat_id == -100200300
    assert str(settings.timezone) == "America/Cayenne"


def test_api_url_with_a_path_is_kept_as_given() -> None:
    assert load_settings({"TELEGRAM_API_URL": "http://h:1/custom/bot"}).api_url == (
        "http://h:1/custom/bot"
    )


@pytest.mark.parametrize(
    ("name", "value", "expected"),
    [
        ("TELEGRAM_BOT_TOKEN", "not-a-token", "TELEGRAM_BOT_TOKEN"),
        ("TELEGRAM_BOT_TOKEN", "abc:defghij", "TELEGRAM_BOT_TOKEN"),
        ("TELEGRAM_API_URL", "ftp://example.org", "TELEGRAM_API_URL"),
        ("TELEGRAM_API_URL", "localhost:8081", "TELEGRAM_API_URL"),
        ("TREMPLIN_STAFF_IDS", "12,abc", "TREMPLIN_STAFF_IDS"),
        ("TREMPLIN_STAFF_IDS", "-5", "TREMPLIN_STAFF_IDS"),
        ("TREMPLIN_STAFF_CHAT_ID", "group", "TREMPLIN_STAFF_CHAT_ID"),
        ("TREMPLIN_TIMEZONE", "Mars/Olympus", "TREMPLIN_TIMEZONE"),
        ("TREMPLIN_WEBHOOK_URL", "http://insecure.example.org", "TREMPLIN_WEBHOOK_URL"),
        ("TREMPLIN_WEBHOOK_PORT", "70000", "TREMPLIN_WEBHOOK_PORT"),
        ("TREMPLIN_DIALOGS", "/nonexistent/dialogs", "TREMPLIN_DIALOGS"),
    ],
)
def test_each_bad_setting_names_itself(name: str, value: str, expected: str) -> None:
    with pytest.raises(SettingsError) as error:
        load_settings({name: value})
    message = str(error.value)
    assert expected in message
    assert "\n" not in message


def test_database_that_is_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsError, match="TREMPLIN_DATABASE"):
        load_settings({"TREMPLIN_DATABASE": str(tmp_path)})
