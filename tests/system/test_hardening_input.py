"""Characters that must never reach a card or break a file: e-mails checked strictly, and
the export robust to whatever is already stored."""

from __future__ import annotations

import io
import sqlite3
import subprocess
import sys

import openpyxl
import pytest

from tests.conftest import CANDIDATE_ID, Bot
from tests.journeys import AFTER_VERDICT, PROBABLE, file_as, nadia, play
from tests.system.test_cli import _env

BAD_EMAILS = [
    "awa\x1b@exemple.fr",  # ESC: broke every export
    "awa\u202e@exemple.fr",  # right-to-left override: reads backwards on a card
    "a\u200bwa@exemple.fr",  # zero-width space
    "https://evil.example/login?@a.fr",  # reads like a link
    "evil.example/login?@a.fr",
]


async def _at_email_step(bot: Bot):  # type: ignore[no-untyped-def]
    chat = bot.chat()
    await chat.send("/start")
    await play(chat, PROBABLE)
    await chat.tap("Continuer")
    await play(chat, AFTER_VERDICT[:8])  # up to the phone: the e-mail is asked
    assert "e-mail" in chat.last.text
    return chat


@pytest.mark.parametrize("email", BAD_EMAILS)
async def test_an_email_with_hidden_or_link_characters_is_refused_kindly(
    bot: Bot, email: str
) -> None:
    chat = await _at_email_step(bot)
    replies = await chat.send(email)
    assert replies, "no answer"
    assert "e-mail" in replies[-1].text  # asked again
    assert bot.store.conversation(CANDIDATE_ID).step == "email"  # type: ignore[union-attr]
    draft = bot.store.active_application(CANDIDATE_ID)
    assert draft is not None and "email" not in draft.answers
    # The journey goes on with a good address.
    await chat.send("Awa.Diallo@Exemple.FR")
    assert bot.store.conversation(CANDIDATE_ID).step != "email"  # type: ignore[union-attr]


def _poison(bot: Bot) -> None:
    """Values stored before e-mails were checked: straight into the file, as they were."""
    assert bot.store.path is not None
    connection = sqlite3.connect(bot.store.path)
    with connection:
        connection.execute(
            "UPDATE applications SET email = ?, last_name = ? WHERE user_id = 2001",
            ["awa\x1b@exemple.fr", "Dia\u202ello\x07"],
        )
    connection.close()


async def test_export_survives_any_character_already_stored(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("📝 Ajouter une note")
    await staff.send("Rappeler\x1b demain")
    _poison(bot)
    await staff.send("/export")
    document = staff.last
    assert document.kind == "document", staff.last.text
    assert document.data is not None
    sheet = openpyxl.load_workbook(io.BytesIO(document.data))["Candidatures"]
    rows = list(sheet.iter_rows(values_only=True))
    row = dict(zip(rows[0], rows[1], strict=True))
    assert row["E-mail"] == "awa@exemple.fr"
    assert row["Nom"] == "Diallo"
    # The card reads as it is: no control or override character.
    await staff.send("/dossier IS-2026-0001")
    card = staff.last.text
    assert "awa@exemple.fr" in card and "\x1b" not in card and "\u202e" not in card
    assert "Rappeler demain" in card


async def test_export_csv_has_no_apostrophe_in_empty_cells(bot: Bot) -> None:
    await file_as(bot, 2001, "Awa", "Diallo")
    staff = nadia(bot)
    await staff.send("/export csv")
    assert staff.last.data is not None
    text = staff.last.data.decode("utf-8-sig")
    assert ";';" not in text and not text.splitlines()[1].endswith(";'")


async def test_command_line_export_survives_it_too(bot: Bot, tmp_path) -> None:  # type: ignore[no-untyped-def]
    await file_as(bot, 2001, "Awa", "Diallo")
    _poison(bot)
    out = tmp_path / "out.xlsx"
    result = subprocess.run(
        [sys.executable, "-m", "bot", "export", "--format", "xlsx", "--out", str(out)],
        capture_output=True,
        text=True,
        env=_env(tmp_path, TREMPLIN_DATABASE=str(bot.store.path)),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr[-300:]
    assert "awa" not in result.stderr
    sheet = openpyxl.load_workbook(out)["Candidatures"]
    header, row = list(sheet.iter_rows(values_only=True))[:2]
    assert row[header.index("E-mail")] == "awa@exemple.fr"
