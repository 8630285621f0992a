"""The lock files install what pyproject.toml asks for: `make setup` installs requirements.lock
(what runs), `make test` and `make lint` add requirements-dev.lock (the test and lint tools),
both with `--require-hashes`; a pin changed in pyproject.toml without `make lock` would be
ignored, and a production install must hold no test or lint tool."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def _locked(file: str) -> dict[str, tuple[str, int]]:
    """name -> (version, number of hashes), from a `uv pip compile --generate-hashes` file."""
    entries: dict[str, tuple[str, int]] = {}
    name = ""
    for line in (ROOT / file).read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.startswith("--hash=sha256:"):
            version, hashes = entries[name]
            entries[name] = (version, hashes + 1)
        elif not line.startswith(" "):
            requirement = stripped.split(";")[0].rstrip(" \\")
            name = _name(requirement)
            assert name not in entries, f"{file}: {name} twice"
            entries[name] = (requirement.split("==", 1)[1], 0)
    return entries


RUNTIME = _locked("requirements.lock")
DEV = _locked("requirements-dev.lock")


def test_every_pin_of_pyproject_is_in_its_lock_at_the_same_version() -> None:
    assert all("==" in r for r in PROJECT["dependencies"]), "pyproject.toml pins every dependency"
    for requirement in PROJECT["dependencies"]:
        assert RUNTIME.get(_name(requirement), ("",))[0] == requirement.split("==", 1)[1]
    for requirement in PROJECT["optional-dependencies"]["dev"]:
        assert "==" in requirement
        assert DEV.get(_name(requirement), ("",))[0] == requirement.split("==", 1)[1]


def test_every_locked_package_has_its_hashes() -> None:
    assert len(RUNTIME) > 20 and len(DEV) > 5
    for name, (_, hashes) in {**RUNTIME, **DEV}.items():
        assert hashes >= 1, name


def test_the_runtime_lock_has_no_test_or_lint_tool() -> None:
    dev_tools = {_name(r) for r in PROJECT["optional-dependencies"]["dev"]}
    assert dev_tools & RUNTIME.keys() == set()
    assert RUNTIME.keys() & DEV.keys() == set(), "the dev lock adds only what runtime lacks"


def test_make_installs_with_hash_checking() -> None:
    makefile = (ROOT / "Makefile").read_text()
    installs = [line for line in makefile.splitlines() if " install " in line and "-r " in line]
    assert installs and all("--require-hashes" in line for line in installs)
