"""`python -m bot referrers add | list | show | delete`, as an administrator would run them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import segno

from bot.referrers import qr
from bot.store import Store
from localapi import LocalBotApi, LocalBotApiServer

USERNAME = "Tremplin_IS_bot"
LINK = re.compile(r"^https://t\.me/(\w+)\?start=([A-Za-z0-9_-]{10})$")


def run(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return bot_command(tmp_path, "referrers", *args, **extra)


def bot_command(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env["TREMPLIN_ENV_FILE"] = os.devnull  # never a developer's .env
    env.update({"TREMPLIN_DATABASE": str(tmp_path / "var" / "tremplin.sqlite3"), **extra})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
    )


def add(tmp_path: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    return run(tmp_path, "add", *args, **{"TREMPLIN_BOT_USERNAME": USERNAME, **extra})


@pytest.mark.parametrize("action", [[], ["add"], ["list"], ["show"], ["delete"]])
def test_help_of_each_action(tmp_path: Path, action: list[str]) -> None:
    result = run(tmp_path, *action, "--help")
    assert result.returncode == 0
    assert "usage: python -m bot referrers" in result.stdout


def test_add_prints_the_link_and_writes_its_qr_code(tmp_path: Path) -> None:
    result = add(
        tmp_path,
        "Mission locale d'Aubervilliers",
        "--kind",
        "mission_locale",
        "--contact",
        "Mme Benali",
        "--qr",
        "ml.png",
    )
    assert result.returncode == 0, result.stderr
    link = result.stdout.splitlines()[0]
    match = LINK.match(link)
    assert match and match.group(1) == USERNAME
    image = (tmp_path / "ml.png").read_bytes()
    # The QR code read back from the PNG's pixels is what segno encodes for the printed link.
    expected = [[bool(m) for m in row] for row in segno.make_qr(link, error="m").matrix]
    assert qr.read_matrix(image) == expected
    store = Store.open(tmp_path / "var" / "tremplin.sqlite3")
    referrer = store.referrer_by_code(match.group(2))
    store.close()
    assert referrer is not None
    assert (referrer.name, referrer.kind, referrer.contact) == (
        "Mission locale d'Aubervilliers",
        "mission_locale",
        "Mme Benali",
    )


def test_add_writes_the_qr_code_beside_by_default(tmp_path: Path) -> None:
    result = add(tmp_path, "PLIE Plaine Commune", "--kind", "plie")
    assert result.returncode == 0, result.stderr
    code = LINK.match(result.stdout.splitlines()[0]).group(2)  # type: ignore[union-attr]
    assert (tmp_path / f"qr-{code}.png").is_file()
    assert f"QR code: qr-{code}.png" in result.stdout


def test_add_asks_getme_through_the_configured_bot_api(tmp_path: Path) -> None:
    api = LocalBotApi(username="tremplin_local_bot")
    with LocalBotApiServer(api) as server:
        result = run(
            tmp_path,
            "add",
            "Cap emploi 93",
            "--kind",
            "cap_emploi",
            TELEGRAM_BOT_TOKEN="123456:TEST-token",
            TELEGRAM_API_URL=server.url,
        )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("https://t.me/tremplin_local_bot?start=")


def test_a_refusing_bot_api_is_one_line_exit_2_without_the_token(tmp_path: Path) -> None:
    api = LocalBotApi()
    api.fail("getMe", code=401, description="Unauthorized", times=None)
    with LocalBotApiServer(api) as server:
        result = run(
            tmp_path,
            "add",
            "Cap emploi 93",
            "--kind",
            "cap_emploi",
            TELEGRAM_BOT_TOKEN="123456:TEST-token",
            TELEGRAM_API_URL=server.url,
        )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "getMe" in lines[0] and "TREMPLIN_BOT_USERNAME" in lines[0]
    assert "TEST-token" not in result.stderr + result.stdout
    assert not (tmp_path / "var").exists()  # nothing added


def test_without_username_nor_token_it_says_so_in_one_line(tmp_path: Path) -> None:
    result = run(tmp_path, "add", "Cap emploi 93", "--kind", "cap_emploi")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "TREMPLIN_BOT_USERNAME" in lines[0]
    assert not (tmp_path / "var").exists()


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["X" * 101, "--kind", "plie"], "2 to 100 characters"),
        (["PLIE", "--kind", "pole_emploi"], "unknown kind 'pole_emploi'"),
        (["PLIE", "--kind", "plie", "--contact", "y" * 201], "1 to 200 characters"),
        (["PLIE", "--kind", "plie", "--qr", "nowhere/qr.png"], "no such folder"),
    ],
)
def test_bad_arguments_are_one_line_exit_2(tmp_path: Path, args: list[str], expected: str) -> None:
    result = add(tmp_path, *args)
    assert result.returncode == 2
    assert expected in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "var").exists()


def test_list_counts_the_candidates_each_referrer_sent(tmp_path: Path) -> None:
    assert "No referrer yet" in run(tmp_path, "list").stdout
    first = add(tmp_path, "PLIE Plaine Commune", "--kind", "plie")
    second = add(tmp_path, "France Travail Aubervilliers", "--kind", "france_travail")
    assert add(tmp_path, "plie plaine commune", "--kind", "plie").returncode == 2  # a double
    code = LINK.match(first.stdout.splitlines()[0]).group(2)  # type: ignore[union-attr]
    other = LINK.match(second.stdout.splitlines()[0]).group(2)  # type: ignore[union-attr]
    store = Store.open(tmp_path / "var" / "tremplin.sqlite3")
    for user_id, consent in ((1, True), (2, False)):
        draft = store.start_draft(user_id, source=code)
        store.set_followup(draft.id, consent)
        fields = {"answers": {}, "criteria": {}, "verdict": "a_confirmer", "workshops": []}
        store.file_application(draft.id, fields=fields)
    store.start_draft(3, source=code)  # a draft is not counted
    store.close()
    result = run(tmp_path, "list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["code", "kind", "sent", "followed", "linked", "name"]
    row = next(line for line in lines if line.startswith(code))
    assert row.split()[:5] == [code, "plie", "2", "1", "no"]
    assert row.endswith("PLIE Plaine Commune")
    assert next(line for line in lines if line.startswith(other)).split()[2] == "0"
    assert "2 referrer(s); 2 application(s)" in lines[-1]
    # The per-referrer view of the figures and of the export (bot.referrers.referral.referrer_name).
    stats = bot_command(tmp_path, "stats")
    assert stats.returncode == 0, stats.stderr
    assert "Par orienteur : PLIE Plaine Commune 2" in stats.stdout
    export = bot_command(tmp_path, "export", "--format", "csv", "--out", "out.csv")
    assert export.returncode == 0, export.stderr
    rows = (tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()
    assert "Orienteur" in rows[0].split(";")
    assert all(f"PLIE Plaine Commune;{code}" in row for row in rows[1:]) and len(rows) == 3


def test_show_and_delete(tmp_path: Path) -> None:
    code = LINK.match(  # type: ignore[union-attr]
        add(tmp_path, "PLIE Plaine Commune", "--kind", "plie").stdout.splitlines()[0]
    ).group(2)
    result = run(tmp_path, "show", code, "--qr", "plie.png", TREMPLIN_BOT_USERNAME=USERNAME)
    assert result.returncode == 0, result.stderr
    link = result.stdout.splitlines()[0]
    assert link == f"https://t.me/{USERNAME}?start={code}"
    assert qr.read_matrix((tmp_path / "plie.png").read_bytes()) == qr.matrix(link)
    assert run(tmp_path, "show", "nobody", TREMPLIN_BOT_USERNAME=USERNAME).returncode == 1
    deleted = run(tmp_path, "delete", code)
    assert deleted.returncode == 0 and "deleted: PLIE Plaine Commune" in deleted.stdout
    assert run(tmp_path, "delete", code).returncode == 1
    assert code not in run(tmp_path, "list").stdout
    assert "PLIE Plaine Commune (deleted)" in run(tmp_path, "list", "--all").stdout
    assert run(tmp_path, "show", code, TREMPLIN_BOT_USERNAME=USERNAME).returncode == 1


def test_check_validates_the_referrers_file_and_the_follow_up_question(tmp_path: Path) -> None:
    from bot.core.settings import PROJECT_ROOT

    dialogs = tmp_path / "dialogs"
    dialogs.mkdir()
    for source in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        (dialogs / source.name).write_text(source.read_text())
    kinds = dialogs / "referrers.toml"
    kinds.write_text(kinds.read_text().replace('id = "plie"', 'id = "PLIE!"'))
    result = bot_command(tmp_path, "check", TREMPLIN_DIALOGS=str(dialogs))
    assert result.returncode == 1
    assert "referrers.toml: kind 3: id 'PLIE!'" in result.stdout
    kinds.write_text((PROJECT_ROOT / "dialogs" / "referrers.toml").read_text())
    journey = dialogs / "journey.toml"
    journey.write_text(journey.read_text().replace('ask_if = { _referrer = ["oui"] }\n', ""))
    result = bot_command(tmp_path, "check", TREMPLIN_DIALOGS=str(dialogs))
    assert result.returncode == 1
    assert "the follow-up consent needs ask_if" in result.stdout
    journey.write_text(
        (PROJECT_ROOT / "dialogs" / "journey.toml")
        .read_text()
        .replace('{ _referrer = ["oui"] }', '{ _referrer = ["peut-etre"] }')
    )
    result = bot_command(tmp_path, "check", TREMPLIN_DIALOGS=str(dialogs))
    assert result.returncode == 1
    assert "ask_if _referrer='peut-etre' must be one of ('oui',)" in result.stdout
