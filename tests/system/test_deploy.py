"""The deployment kit in deploy/ (issue 22): the systemd units pass `systemd-analyze verify`
(where the tool exists) and are hardened; install.sh, run in a temporary root, lays out the
files with the right modes, keeps the settings at a second run, and leaves a `tremplin` that
runs; .env.example lists every setting of the README."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.core.settings import PROJECT_ROOT, load_settings, shipped_folder

DEPLOY = PROJECT_ROOT / "deploy"
UNITS = ("tremplin.service", "tremplin@.service")
README = (PROJECT_ROOT / "README.md").read_text()


def _directives(unit: str) -> set[str]:
    lines = (DEPLOY / unit).read_text().splitlines()
    return {line.strip() for line in lines if line.strip() and not line.startswith("#")}


@pytest.mark.parametrize("unit", UNITS)
def test_the_units_are_hardened(unit: str) -> None:
    directives = _directives(unit)
    for wanted in (
        "Type=notify",
        "Restart=on-failure",
        "User=tremplin",
        "ProtectSystem=strict",
        "ProtectHome=yes",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "UMask=0077",
        "StateDirectoryMode=0700",
        "ExecStart=/opt/tremplin/venv/bin/tremplin run",
    ):
        assert wanted in directives, wanted
    assert any(d.startswith("WatchdogSec=") for d in directives)
    assert not any(d.startswith(("ReadWritePaths=", "EnvironmentFile=")) for d in directives)
    if unit == "tremplin.service":
        assert "StateDirectory=tremplin" in directives
        assert "Environment=TREMPLIN_ENV_FILE=/etc/tremplin/tremplin.env" in directives
    else:
        assert "StateDirectory=tremplin/%i" in directives
        assert "Environment=TREMPLIN_ENV_FILE=/etc/tremplin/%i.env" in directives


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="no systemd-analyze here")
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify also checks that ExecStart's program exists: point it at one that does.
    for unit in UNITS:
        text = (DEPLOY / unit).read_text()
        (tmp_path / unit).write_text(text.replace("/opt/tremplin/venv/bin/tremplin", "/bin/true"))
    for name in ("tremplin.service", "tremplin@aubervilliers.service"):
        result = subprocess.run(
            ["systemd-analyze", "verify", str(tmp_path / name)],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        # verify reports an unknown or malformed line on stderr but still exits 0.
        assert "tremplin" not in result.stderr, result.stderr
    security = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(tmp_path / "tremplin.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = re.search(r"Overall exposure level for tremplin.service: ([\d.]+)", security.stdout)
    if found:  # older systemd has no --offline
        assert float(found.group(1)) <= 2.0, security.stdout


def _venv_seeing_these_packages(venv: Path) -> None:
    """What install.sh finds when it runs again: a virtual environment with the locked
    packages (here this one's, through a .pth line: nothing to download)."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")


def _install(root: Path, *options: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    return subprocess.run(
        ["bash", str(DEPLOY / "install.sh"), "--root", str(root), "--no-system", *options],
        capture_output=True,
        text=True,
        env=env,
        cwd=root.parent,
        timeout=600,
    )


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_install_script_in_a_temporary_root(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _venv_seeing_these_packages(root / "opt" / "tremplin" / "venv")
    result = _install(root)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "==> tremplin check: OK" in result.stdout
    env_file = root / "etc" / "tremplin" / "tremplin.env"
    assert env_file.read_text() == (DEPLOY / ".env.example").read_text()
    assert _mode(env_file) == 0o600
    assert _mode(env_file.parent) == 0o750
    assert _mode(root / "var" / "lib" / "tremplin") == 0o700
    assert _mode(root / "var" / "cache" / "tremplin") == 0o700
    for unit in UNITS:
        installed = root / "etc" / "systemd" / "system" / unit
        assert installed.read_text() == (DEPLOY / unit).read_text()
        assert _mode(installed) == 0o644
    command = root / "usr" / "local" / "bin" / "tremplin"
    assert command.read_text() == (DEPLOY / "tremplin-command").read_text()
    assert _mode(command) == 0o755
    tremplin = root / "opt" / "tremplin" / "venv" / "bin" / "tremplin"
    packaged = subprocess.run(
        [tremplin.parent / "python", "-c", "import bot; print(bot.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
    ).stdout
    assert packaged.startswith(str(root / "opt" / "tremplin" / "venv")), packaged

    # The service without a token: exit 2, and the message names the settings file.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))}
    env.update(TREMPLIN_ENV_FILE=str(env_file), STATE_DIRECTORY=str(tmp_path / "state"))
    started = subprocess.run(
        [tremplin, "run"], stdin=subprocess.DEVNULL, capture_output=True, text=True, env=env
    )
    assert started.returncode == 2
    assert f"Put the token in {env_file}" in started.stderr
    assert "or run the demo: tremplin demo." in started.stderr

    # A second run (an upgrade) keeps the settings as the volunteer wrote them, and their mode.
    env_file.write_text("TREMPLIN_STAFF_IDS=11\n")
    env_file.chmod(0o644)
    again = _install(root)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "kept as they are" in again.stdout
    assert env_file.read_text() == "TREMPLIN_STAFF_IDS=11\n"
    assert _mode(env_file) == 0o600


def test_install_script_for_a_structure_of_the_template(tmp_path: Path) -> None:
    root = tmp_path / "root"
    _venv_seeing_these_packages(root / "opt" / "tremplin" / "venv")
    result = _install(root, "--instance", "aubervilliers")
    assert result.returncode == 0, result.stdout + result.stderr
    assert _mode(root / "etc" / "tremplin" / "aubervilliers.env") == 0o600
    assert _mode(root / "var" / "lib" / "tremplin" / "aubervilliers") == 0o700
    assert "sudo systemctl enable --now tremplin@aubervilliers" in result.stdout
    bad = _install(root, "--instance", "../etc")
    assert bad.returncode == 2


def _settings_of_the_readme() -> list[str]:
    section = README.split("## Settings", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `((?:TREMPLIN|TELEGRAM)_[A-Z_]+)` \|", section, flags=re.MULTILINE)


def test_env_example_lists_every_setting_with_a_valid_default() -> None:
    example = (DEPLOY / ".env.example").read_text()
    names = _settings_of_the_readme()
    assert len(names) >= 15
    for name in names:
        if name == "TREMPLIN_ENV_FILE":  # the file's own path: set by the unit
            assert name in example
        else:
            assert re.search(rf"^(# )?{name}=", example, flags=re.MULTILINE), name
    # As written (all commented but the two to fill in), and with every line uncommented:
    # the settings load.
    as_written = {k: v or "" for k, v in dotenv_values(DEPLOY / ".env.example").items()}
    assert load_settings(as_written).demo
    uncommented = re.sub(r"^# ((?:TREMPLIN|TELEGRAM)_[A-Z_]+=)", r"\1", example, flags=re.M)
    values = {k: v or "" for k, v in dotenv_values(stream=io.StringIO(uncommented)).items()}
    values["TELEGRAM_BOT_TOKEN"] = "123456:ABC-def"
    settings = load_settings(values)
    assert settings.webhook_url == "https://bot.example.org/telegram"


def test_the_nginx_snippet_limits_the_body_and_passes_the_secret() -> None:
    snippet = (DEPLOY / "nginx-tremplin.conf").read_text()
    assert "client_max_body_size 1m;" in snippet
    assert "X-Telegram-Bot-Api-Secret-Token $http_x_telegram_bot_api_secret_token" in snippet
    assert "proxy_pass http://127.0.0.1:8443/telegram;" in snippet


def test_the_command_wrapper_runs_as_tremplin_with_the_service_settings() -> None:
    wrapper = DEPLOY / "tremplin-command"
    assert subprocess.run(["sh", "-n", str(wrapper)], capture_output=True).returncode == 0
    text = wrapper.read_text()
    assert 'TREMPLIN_ENV_FILE="/etc/tremplin/$name.env"' in text
    assert "exec runuser -u tremplin --" in text
    assert "/opt/tremplin/venv/bin/tremplin" in text


def test_two_structures_on_one_server_share_nothing(tmp_path: Path) -> None:
    """Issue 25: a second structure is a second instance, with its own dialogs folder
    (--dialogs), settings, database, lock, backups and cache; the first keeps its own."""
    from bot.core.lock import lock_path
    from tests.structures.test_fictive import fictive_dialogs

    root = tmp_path / "root"
    _venv_seeing_these_packages(root / "opt" / "tremplin" / "venv")
    own = fictive_dialogs(tmp_path)
    first = _install(root, "--instance", "atelier", "--dialogs", str(own))
    assert first.returncode == 0, first.stdout + first.stderr
    assert "tremplin check: OK" in first.stdout  # its own folder, its own catalogs included
    etc = root / "etc" / "tremplin"
    copied = etc / "atelier"
    assert dotenv_values(etc / "atelier.env")["TREMPLIN_DIALOGS"] == str(copied)
    assert (copied / "structure.toml").read_bytes() == (own / "structure.toml").read_bytes()
    assert (copied / "locales" / "ar" / "LC_MESSAGES" / "messages.po").is_file()
    assert _mode(copied) == 0o750 and _mode(copied / "structure.toml") == 0o640
    second = _install(root, "--instance", "aubervilliers")
    assert second.returncode == 0, second.stdout + second.stderr
    assert "TREMPLIN_DIALOGS" not in dotenv_values(etc / "aubervilliers.env")

    # Each instance as its unit runs it (STATE_DIRECTORY) and as `tremplin @NAME` does.
    places = {}
    for name in ("atelier", "aubervilliers"):
        environ = {k: v or "" for k, v in dotenv_values(etc / f"{name}.env").items()}
        environ["STATE_DIRECTORY"] = str(root / "var" / "lib" / "tremplin" / name)
        settings = load_settings(environ)
        places[name] = {
            settings.database,
            lock_path(settings.database),
            settings.backup_plan.folder,
        }
        assert all(Path(environ["STATE_DIRECTORY"]) in p.parents for p in places[name])
        assert settings.dialogs_dir == (copied if name == "atelier" else shipped_folder("dialogs"))
    assert not places["atelier"] & places["aubervilliers"]
    command = (DEPLOY / "tremplin-command").read_text()
    assert 'cache="/var/cache/tremplin/$name"' in command  # MPLCONFIGDIR: one cache each

    # The installed program reads the second structure's folder: its name, not the first's.
    checked = subprocess.run(
        [root / "opt" / "tremplin" / "venv" / "bin" / "tremplin", "check"],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "TREMPLIN_"))},
            "TREMPLIN_ENV_FILE": str(etc / "atelier.env"),
            "TREMPLIN_STATE_DIR": str(root / "var" / "lib" / "tremplin" / "atelier"),
        },
        cwd=tmp_path,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "La mission locale d'Aubervilliers" not in checked.stdout

    # An upgrade keeps the structure's dialogs as its staff edited them, and its settings.
    (copied / "structure.toml").write_text(
        (copied / "structure.toml").read_text().replace("01 02 03 04 05", "01 02 03 04 07")
    )
    again = _install(root, "--instance", "atelier", "--dialogs", str(own))
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"dialogs {copied}: kept as they are" in again.stdout
    assert "01 02 03 04 07" in (copied / "structure.toml").read_text()
    assert (etc / "atelier.env").read_text().count("TREMPLIN_DIALOGS=") == 2  # example + ours
