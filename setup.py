"""Only what pyproject.toml cannot say: dialogs/ and locales/ stay at the top of the repository
(their one source), and ship inside the package as `bot/dialogs` and `bot/locales`, where an
installed `tremplin` finds them (`bot.core.settings.shipped_folder`). Only `bot` ships:
`localapi/` (the local Bot API of the demo and the tests), `tests/` and `bench/` stay in the
repository."""

from pathlib import Path

from setuptools import find_packages, setup

DATA = {"bot.dialogs": "dialogs", "bot.locales": "locales"}


def data_packages() -> list[str]:
    """bot.dialogs, bot.locales and each of its folders (bot.locales.en.LC_MESSAGES…)."""
    names = []
    for package, folder in DATA.items():
        names.append(package)
        for sub in sorted(p for p in Path(folder).rglob("*") if p.is_dir()):
            names.append(".".join((package, *sub.relative_to(folder).parts)))
    return names


setup(
    packages=[*find_packages(include=["bot", "bot.*"]), *data_packages()],
    package_dir=DATA,
    package_data={
        "bot.dialogs": ["*.toml", "*.mmd"],
        "bot.locales": ["messages.pot"],
        **{name: ["messages.po", "messages.mo"] for name in data_packages() if "LC_" in name},
    },
)
