"""`pip install .` gives a `tremplin` command that works from any folder (issue 22): the wheel
holds dialogs/ and locales/ (their source stays at the top of the repository) and the
LICENSE. Built with `pip wheel`, installed into a fresh virtual environment that sees this
one's dependencies, and run from a folder that is not the repository's.

The local Bot API (`localapi/`, issue 24) does not ship: the demo of an installed `tremplin`
needs a clone of the repository, and says so."""

from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.core.settings import PROJECT_ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # setuptools builds in build/ of the checkout and reuses what it finds there: a module
    # moved or deleted since an earlier build would slip into the wheel.
    shutil.rmtree(PROJECT_ROOT / "build", ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), "."],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("tremplin-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh venv with the wheel installed; the dependencies come from this venv (a .pth
    line: its packages, not its editable `bot`), so nothing is downloaded."""
    venv = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    Path(site, "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    subprocess.run(
        [*pip, "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    yield venv


def _files_under(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_the_wheel_holds_dialogs_locales_and_the_licence(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for toml in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        assert f"bot/dialogs/{toml.name}" in names
    for po in (PROJECT_ROOT / "locales").glob("*/LC_MESSAGES/messages.po"):
        assert f"bot/locales/{po.relative_to(PROJECT_ROOT / 'locales').as_posix()}" in names
    licence = next(n for n in names if n.endswith(".dist-info/licenses/LICENSE"))
    text = zipfile.ZipFile(wheel).read(licence).decode()
    assert text == (PROJECT_ROOT / "LICENSE").read_text()
    assert text.lstrip().startswith("GNU AFFERO GENERAL PUBLIC LICENSE")
    assert "Version 3, 19 November 2007" in text
    assert not any(n.startswith(("tests/", "bench/")) for n in names)
    assert not [n for n in names if "localapi" in n]  # the local Bot API stays in the clone
    assert "bot/demo.py" in names


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TELEGRAM_", "TREMPLIN_", "PYTHON", "VIRTUAL_ENV", "XDG_"))
    }
    env.pop("STATE_DIRECTORY", None)
    env.update(HOME=str(tmp_path / "home"), **extra)
    return env


def test_the_installed_command_works_from_any_folder(
    installed: Path, tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    tremplin = installed / "bin" / "tremplin"
    where = subprocess.run(
        [installed / "bin" / "python", "-c", "import bot; print(bot.__file__)"],
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        check=True,
    ).stdout
    assert where.startswith(str(installed)), where  # the installed copy, not the repository
    result = subprocess.run(
        [tremplin, "check"], capture_output=True, text=True, env=_env(tmp_path), cwd=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK: dialogs, catalogs are valid." in result.stdout
    # The demo reads the packaged texts; its database goes to ~/.local/state/tremplin. It
    # needs the local Bot API of a clone: a copy of localapi/ (only) on the import path.
    clone = tmp_path_factory.mktemp("clone")
    shutil.copytree(PROJECT_ROOT / "localapi", clone / "localapi")
    result = subprocess.run(
        [tremplin, "demo"],
        input="/start\n",
        capture_output=True,
        text=True,
        env=_env(tmp_path, PYTHONPATH=str(clone)),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Bonjour, je suis un robot : ici, c'est Initiatives Solidaires" in result.stdout
    assert (tmp_path / "home" / ".local" / "state" / "tremplin" / "demo.sqlite3").exists()
    assert _files_under(tmp_path) == {"home/.local/state/tremplin/demo.sqlite3"}


@pytest.mark.parametrize("command", [["demo"], ["run"]])
def test_the_installed_demo_needs_a_clone(
    installed: Path, tmp_path: Path, command: list[str]
) -> None:
    """Without localapi/ (not in the wheel), `tremplin demo`, and `run` without a token on a
    terminal, say in one clear message that the demo needs a clone, and exit 2."""
    result = subprocess.run(
        [
            installed / "bin" / "python",
            "-c",
            "import sys, bot.__main__ as m; "
            "sys.stdin.isatty = lambda: True; sys.exit(m.run_quietly(sys.argv[1:]))",
            *command,
        ],
        input="/start\n",
        capture_output=True,
        text=True,
        env=_env(tmp_path),
        cwd=tmp_path,
        timeout=60,
    )
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == ""
    assert "tremplin: the demo needs a clone of the repository" in result.stderr
    assert "tremplin: la démo a besoin d'un clone du dépôt" in result.stderr
    assert "Traceback" not in result.stderr
    assert _files_under(tmp_path) == set()  # nothing written


def test_nothing_in_bot_imports_localapi_at_module_level() -> None:
    """Only the demo reaches the local Bot API, and only when it runs (or for the type
    checker): an installed `bot` imports without it."""
    found = []
    for path in sorted((PROJECT_ROOT / "bot").rglob("*.py")):
        tree = ast.parse(path.read_text())
        for node in tree.body:  # module level; `if TYPE_CHECKING:` blocks are not run
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            if any(n == "localapi" or n.startswith("localapi.") for n in names):
                found.append(f"{path.relative_to(PROJECT_ROOT)}:{node.lineno}")
    assert found == []
    uses = [
        p.relative_to(PROJECT_ROOT).as_posix()
        for p in (PROJECT_ROOT / "bot").rglob("*.py")
        if "from localapi" in p.read_text() or "import localapi" in p.read_text()
    ]
    assert uses == ["bot/demo.py"]


def test_a_deployment_can_point_at_its_own_dialogs(installed: Path, tmp_path: Path) -> None:
    own = tmp_path / "own-dialogs"
    own.mkdir()
    for source in (PROJECT_ROOT / "dialogs").glob("*.toml"):
        text = source.read_text()
        if source.name == "structure.toml":
            text = text.replace('phone = ""', 'phone = "01 48 00 00 00"')
        (own / source.name).write_text(text)
    result = subprocess.run(
        [installed / "bin" / "tremplin", "check"],
        capture_output=True,
        text=True,
        env=_env(tmp_path, TREMPLIN_DIALOGS=str(own)),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "phone is empty" not in result.stdout  # its own structure.toml was read
