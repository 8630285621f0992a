"""Dead ends without a person to reach (issue 21, point 9): `check` begins with what a
structure must fill before going live, `run` with a real token logs it at every start, and
every ending names who can help with how to reach them (structure.toml's [[contacts]])."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from localapi import LocalBotApi, LocalBotApiServer
from tests.conftest import Bot
from tests.journeys import PAS_POUR_VOUS, dialogs_with_phone, file_as, nadia, play
from tests.system.test_cli import _bot, _env


def _filled_dialogs(tmp_path: Path) -> Path:
    """The shipped dialogs with the front desk's phone and every contact reachable."""
    dialogs = dialogs_with_phone(tmp_path, "01 48 00 00 00")
    structure = dialogs / "structure.toml"
    text = structure.read_text(encoding="utf-8")
    structure.write_text(
        text.replace('address = ""', 'address = "1 rue de l\'Exemple, 93300 Aubervilliers"'),
        encoding="utf-8",
    )
    return dialogs


def test_check_begins_with_what_to_fill_before_going_live(tmp_path: Path) -> None:
    result = _bot(tmp_path, "check")
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Before going live, fill in:"
    assert lines[1].startswith("warning: structure.toml: phone is empty.")
    assert lines[2].startswith("warning: TREMPLIN_STAFF_IDS is empty")
    assert 'contact "La mission locale d\'Aubervilliers": address and phone are empty' in (
        result.stdout
    )
    assert lines[-1] == "OK: dialogs, catalogs are valid."
    # Everything filled: nothing to say but OK.
    filled = _bot(
        tmp_path, "check", TREMPLIN_DIALOGS=str(_filled_dialogs(tmp_path)), TREMPLIN_STAFF_IDS="900"
    )
    assert filled.returncode == 0, filled.stdout + filled.stderr
    assert filled.stdout.splitlines() == ["OK: dialogs, catalogs are valid."]


def test_run_with_a_token_warns_at_every_start_while_the_phone_is_empty(tmp_path: Path) -> None:
    api = LocalBotApi()
    with LocalBotApiServer(api) as server:
        env = _env(tmp_path, TELEGRAM_BOT_TOKEN="123456:TEST-token", TELEGRAM_API_URL=server.url)
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            api.text_update(1001, "/start")
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                if any("Étape 1 sur 8" in m.text for m in api.bot_messages(1001)):
                    break
                assert process.poll() is None, process.communicate()
                time.sleep(0.1)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
    log = process.stderr.read() if process.stderr else ""
    assert "not ready for real candidates: structure.toml: phone is empty." in log, log
    assert "TREMPLIN_STAFF_IDS is empty" in log


async def test_every_ending_names_who_can_help_and_how_to_reach_them(bot: Bot) -> None:
    contacts = (
        "Qui peut vous aider :",
        "📍 Initiatives Solidaires : 95 boulevard Félix Faure, 93300 Aubervilliers",
        "• France Travail : Pour chercher un travail ou une formation.",
        "  📞 3949",
        "• La préfecture de la Seine-Saint-Denis : Pour le titre de séjour",
        "  📍 1 esplanade Jean Moulin, 93000 Bobigny",
    )

    def names_them(text: str) -> bool:
        return all(line in text for line in contacts) and "mairie" not in text

    # Under 16.
    child = bot.chat(3001, "Lina")
    await child.send("/start")
    await child.tap("J'accepte")
    await child.tap("Moins de 16 ans")
    await child.tap("Je préfère passer")  # the needs question below the dead end
    assert names_them(child.last.text)
    # No right to work: the result, then "Non merci"; another asks to be called.
    stop = bot.chat(3002, "Rose")
    await stop.send("/start")
    await play(stop, PAS_POUR_VOUS)
    assert names_them(stop.last.text)
    await stop.tap("Non merci")
    assert names_them(stop.last.text)
    called = bot.chat(3003, "Awa")
    await called.send("/start")
    await play(called, PAS_POUR_VOUS)
    await called.tap("L'équipe peut m'appeler")
    await called.send("Awa Diallo")
    await called.share_contact(phone="+33612345678")
    await called.tap("À tout moment")
    assert names_them(called.last.text)
    # A refusal.
    refused = await file_as(bot, 3004, "Binta", "Martin")
    staff = nadia(bot)
    await staff.send("/dossier IS-2026-0001")
    await staff.tap("❌ Refuser")
    await staff.tap(staff.buttons()[0])
    assert names_them(refused.last.text)
