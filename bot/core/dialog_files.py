"""The one way to read `dialogs/*.toml`: read, validate collecting every problem, reload.

Each feature keeps its schema in its own `dialogs.py` and declares a `DialogSource`: the
files it reads and a `parse` function that turns them into a typed, frozen object while
collecting every problem in a `Problems` (one line each, "file: key: what is wrong"). The
source then gives:

- `check(directory)`: every problem of a fresh read (`python -m bot check`);
- `load(directory)`: a fresh read, or `DialogError` with every problem;
- `start(directory)`: a fresh read that becomes the running version (at start-up);
- `live(directory)`: the running version. A file changed on disk is read and validated
  again; when the new version has problems the last good one is kept and the problems are
  logged once, with their file and key: a bad edit never raises inside a live handler.
  When there never was a good version, `DialogError` with the full list.

Problems are English, for maintainers; the texts themselves are French.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import tomllib
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Formatter
from typing import Any, Generic, ParamSpec, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
P = ParamSpec("P")

# Ids travel in callback data (64 bytes at most): keep them short and plain.
ID_PATTERN = re.compile(r"^[a-z0-9_]{1,20}$")
ID_RULE = "must be 1-20 characters among a-z, 0-9 and _"
# What names the structure in a text, allowed in every text: `_()` fills these in from
# structure.toml (bot/core/i18n.py), so a catalog is translated once for every structure
# ("Ici, c'est {structure}, à {city}.").
IDENTITY_PLACEHOLDERS = frozenset(
    {"structure", "short_name", "city", "department", "postcode", "prefix"}
)


class DialogError(ValueError):
    """A file in `dialogs/` is malformed: `problems` names each file and place (one line
    each); the message is the first one, or all of them, one a line."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems: tuple[str, ...] = (
            (problems,) if isinstance(problems, str) else tuple(problems)
        )
        super().__init__("\n".join(self.problems))


class Problems:
    """The problems found while reading one feature's files, in the order found."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, file: str, key: str, message: str) -> None:
        """`file: key: message`; `key` is where in the file ("" for the whole file)."""
        self.lines.append(f"{file}: {key}: {message}" if key else f"{file}: {message}")

    def extend(self, lines: Iterable[str]) -> None:
        self.lines.extend(lines)

    def __bool__(self) -> bool:
        return bool(self.lines)

    def __len__(self) -> int:
        return len(self.lines)

    def guard(self, action: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T | None:
        """`action(*args, **kwargs)`, or None with its DialogError's problems recorded (the
        reading goes on with the next item: one bad item does not hide the others')."""
        try:
            return action(*args, **kwargs)
        except DialogError as error:
            self.lines.extend(error.problems)
            return None


def read_toml(path: Path, problems: Problems) -> dict[str, Any] | None:
    """A dialogs file as data, or None with the problem recorded (missing, not TOML)."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        problems.add(path.name, "", "file is missing")
    except tomllib.TOMLDecodeError as error:
        problems.add(path.name, "", f"not valid TOML ({error})")
    except OSError as error:
        problems.add(path.name, "", f"cannot be read ({error.strerror})")
    return None


def is_id(value: object) -> bool:
    return isinstance(value, str) and ID_PATTERN.match(value) is not None


def id_problem(value: object) -> str | None:
    """None for a good id, else the sentence to report ("id 'Âge!' must be …")."""
    return None if is_id(value) else f"id {value!r} {ID_RULE}"


def placeholder_problems(text: str, allowed: Collection[str]) -> list[str]:
    """What is wrong with the `str.format` placeholders of `text` (`{name}`), given the
    names the code fills in (and the structure's, IDENTITY_PLACEHOLDERS, filled by `_()`):
    each unknown one, or a brace left open. Empty: `.format` of `text` with the allowed
    names cannot fail."""
    own = sorted(allowed)
    allowed = {*allowed, *IDENTITY_PLACEHOLDERS}
    try:
        fields = [name for _, name, _, _ in Formatter().parse(text) if name is not None]
    except ValueError as error:  # "{" alone, "}" alone
        return [f"has a stray brace ({error}; write {{{{ or }}}} for a brace)"]
    problems: list[str] = []
    for name in fields:
        base = re.split(r"[.\[]", name, maxsplit=1)[0]
        if base in own and base in IDENTITY_PLACEHOLDERS:
            # `_()` would put the structure's value there before the code's `.format`.
            problems.append(
                f"placeholder {{{name}}} is the structure's (structure.toml): "
                "the value the code gives needs another name"
            )
        elif base not in allowed:
            known = ", ".join(f"{{{a}}}" for a in own) or "none"
            problems.append(f"unknown placeholder {{{name}}} (allowed: {known})")
    return problems


@dataclass(frozen=True, slots=True)
class Loaded(Generic[T]):
    """What a read gave: the value, or None with every problem."""

    value: T | None
    problems: tuple[str, ...] = ()


BUTTON_WORDS = 4  # a button's text: 1 to 4 words, short enough for a phone


def messages_table(
    raw: object,
    spec: Mapping[str, Collection[str]],
    problems: Problems,
    file: str,
    *,
    buttons: Collection[str] = (),
) -> dict[str, str]:
    """A feature's `[messages]`: each key of `spec` present, with only the placeholders
    `spec` allows it; those in `buttons` 1 to 4 words; no key `spec` does not know."""
    if not isinstance(raw, dict):
        problems.add(file, "[messages]", "must be a table")
        raw = {}
    messages: dict[str, str] = {}
    for key, allowed in spec.items():
        text = raw.get(key)
        if not isinstance(text, str) or not text.strip():
            problems.add(file, "[messages]", f"lacks {key!r}")
            continue
        for wrong in placeholder_problems(text, allowed):
            problems.add(file, f"messages.{key}", wrong)
        if key in buttons and len(text.split()) > BUTTON_WORDS:
            problems.add(file, f"messages.{key}", f"is a button: 1 to {BUTTON_WORDS} words")
        messages[key] = text.strip()
    extra = set(raw) - set(spec)
    if extra:
        problems.add(file, "[messages]", f"unknown key(s) {sorted(extra)}")
    return messages


def result(value: T, problems: Problems) -> Loaded[T]:
    """`value` when no problem was found, else the problems alone."""
    if problems:
        return Loaded(None, tuple(problems.lines))
    return Loaded(value)


def failed(problems: Problems) -> Loaded[Any]:
    """No value: the problems alone (a file missing, not TOML, or too broken to go on)."""
    return Loaded(None, tuple(problems.lines))


Stamp = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class _Running(Generic[T]):
    stamp: Stamp
    good: T | None
    problems: tuple[str, ...] = ()
    # Logged for this stamp already (a change is told once, not at every update).
    logged: bool = False


@dataclass(eq=False, slots=True)
class DialogSource(Generic[T]):
    """One feature's dialogs: the files it reads in a directory, and how to parse them.

    `parse(directory)` reads the files (with `read_toml`) and returns a `Loaded`. `keeps`
    may refuse a new good version at run time (the journey refuses one that removes a step
    a conversation may be at): it returns why, and the running version is kept until the
    bot starts again."""

    name: str
    files: tuple[str, ...]
    parse: Callable[[Path], Loaded[T]]
    keeps: Callable[[T, T], list[str]] | None = None
    _running: dict[Path, _Running[T]] = field(default_factory=dict, repr=False)

    def check(self, directory: Path) -> list[str]:
        """Every problem of the files as they are on disk now (empty: all good)."""
        return list(self.read(directory).problems)

    def load(self, directory: Path) -> T:
        """The files as they are now, or DialogError with every problem."""
        loaded = self.read(directory)
        if loaded.value is None:
            raise DialogError(loaded.problems or (f"{self.name}: could not be read",))
        return loaded.value

    def start(self, directory: Path) -> T:
        """A fresh read that becomes the running version (whatever ran before), or
        DialogError with every problem: the bot does not start on broken dialogs."""
        stamp = self._stamp(directory)
        value = self.load(directory)
        self._running[directory] = _Running(stamp=stamp, good=value)
        return value

    def live(self, directory: Path) -> T:
        """The running version, read again when a file changed; a broken or refused new
        version keeps the last good one (problems logged once). DialogError only when
        there never was a good version."""
        stamp = self._stamp(directory)
        running = self._running.get(directory)
        if running is None or running.stamp != stamp:
            running = self._reread(directory, stamp, running)
            self._running[directory] = running
        if running.good is None:
            raise DialogError(running.problems)
        if running.problems and not running.logged:
            running.logged = True
            log.error(
                "dialogs/%s changed, but the running bot keeps its previous version:\n%s",
                "/".join(self.files),
                "\n".join(f"  {p}" for p in running.problems),
            )
        return running.good

    def running(self) -> T | None:
        """The last good version in use, whichever its directory (None before any): for a
        rendering that is given no directory (an answer's words in /mesdonnees)."""
        return next((r.good for r in self._running.values() if r.good is not None), None)

    def _reread(self, directory: Path, stamp: Stamp, running: _Running[T] | None) -> _Running[T]:
        loaded = self.read(directory)
        good = running.good if running is not None else None
        if loaded.value is None:
            return _Running(stamp=stamp, good=good, problems=loaded.problems)
        if good is not None and self.keeps is not None:
            refused = self.keeps(good, loaded.value)
            if refused:
                return _Running(stamp=stamp, good=good, problems=tuple(refused))
        if good is not None:
            log.info("dialogs/%s changed: the new version is in use", "/".join(self.files))
        return _Running(stamp=stamp, good=loaded.value)

    def read(self, directory: Path) -> Loaded[T]:
        """A fresh read: the value, or every problem (never an exception)."""
        try:
            return self.parse(directory)
        except Exception as error:  # a value of a shape no check foresaw: a problem too
            where = "/".join(self.files)
            return Loaded(None, (f"{where}: unexpected value ({type(error).__name__}: {error})",))

    def _stamp(self, directory: Path) -> Stamp:
        # At every update: plain strings and `os.stat`, since building each `Path` cost
        # three times the `stat` itself (bench/).
        paths = _paths_of(directory, self.files)
        stamps = []
        for path in paths:
            try:
                stat = os.stat(path)
                stamps.append((stat.st_mtime_ns, stat.st_size))
            except OSError:
                stamps.append((-1, -1))
        return tuple(stamps)


@functools.lru_cache(maxsize=64)
def _paths_of(directory: Path, files: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(str(directory / name) for name in files)


def start_all(directory: Path, sources: Iterable[DialogSource[Any]]) -> None:
    """Start every source: DialogError with the problems of all of them at once."""
    problems: list[str] = []
    for source in sources:
        try:
            source.start(directory)
        except DialogError as error:
            problems.extend(error.problems)
    if problems:
        raise DialogError(problems)
