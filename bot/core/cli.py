"""`python -m bot` commands declared as data (issue 24): each is a name, a help line, a
description, its arguments and the function that runs it (which returns the exit code).
`add_commands` adds them to the command line; a command with actions of its own
(`slots add | list | cancel`) is a `group` of commands.

    add_commands(commands, Command("stats", help=..., description=..., handler=_stats,
                                   args=(arg("--chart", type=Path, help=...),)))
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.core.feature import SubParsers

Handler = Callable[[argparse.Namespace], int]


@dataclass(frozen=True, slots=True)
class Arg:
    """What `ArgumentParser.add_argument` is given: its flags (or name) and options."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)


def arg(*flags: str, **options: Any) -> Arg:
    """`arg("--seats", type=int, required=True, help=...)`, as for `add_argument`."""
    return Arg(flags, options)


@dataclass(frozen=True, slots=True)
class Command:
    """One command (or one action of a group): `handler(args)` returns its exit code."""

    name: str
    help: str
    description: str
    handler: Handler
    args: tuple[Arg, ...] = ()


def add_commands(commands: SubParsers, *declared: Command) -> None:
    """Add each command, in order (the order `--help` lists them in)."""
    for command in declared:
        parser = commands.add_parser(
            command.name, help=command.help, description=command.description
        )
        for argument in command.args:
            parser.add_argument(*argument.flags, **argument.options)
        parser.set_defaults(handler=command.handler)


def add_group(
    commands: SubParsers,
    name: str,
    *,
    help: str,
    description: str,
    dest: str,
    actions: Sequence[Command],
) -> None:
    """A command whose first argument is one of its actions (`slots add`, `referrers list`);
    `dest` names the attribute that holds the action chosen."""
    group = commands.add_parser(name, help=help, description=description)
    add_commands(group.add_subparsers(dest=dest, metavar="ACTION", required=True), *actions)
