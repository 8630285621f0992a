"""The lock file installs what pyproject.toml asks for: `make setup` installs
requirements.lock, so a pin changed in pyproject.toml without `make lock` would be ignored."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _name(requirement: str) -> str:
    return re.split(r"[\[=<>!~ ;]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_every_pin_of_pyproject_is_in_the_lock_at_the_same_version() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = project["dependencies"] + [
        r for extra in project["optional-dependencies"].values() for r in extra
    ]
    locked = {
        _name(line): line.split("==", 1)[1].strip()
        for line in (ROOT / "requirements.lock").read_text().splitlines()
        if line and not line.startswith("#")
    }
    assert all("==" in line for line in wanted), "pyproject.toml pins every dependency"
    for requirement in wanted:
        assert locked.get(_name(requirement)) == requirement.split("==", 1)[1], requirement
