"""Dependencies inside `bot/` run one way: no import cycle, not even one hidden by an import
inside a function (issue #14)."""

from __future__ import annotations

import ast
from pathlib import Path

BOT = Path(__file__).resolve().parents[2] / "bot"


def _modules() -> dict[str, Path]:
    modules = {}
    for path in BOT.rglob("*.py"):
        parts = path.relative_to(BOT.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        modules[name] = path
    return modules


def _type_only(tree: ast.Module) -> set[int]:
    """The ids of the nodes under `if TYPE_CHECKING:`."""
    guarded: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test).endswith("TYPE_CHECKING"):
            guarded |= {id(inner) for child in node.body for inner in ast.walk(child)}
    return guarded


def _graph(*, runtime_only: bool = False) -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        tree = ast.parse(path.read_text())
        skipped = _type_only(tree) if runtime_only else set()
        for node in ast.walk(tree):
            if id(node) in skipped:
                continue
            if isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in modules}
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*anchor, *([node.module] if node.module else [])])
                for alias in node.names:
                    target = f"{base}.{alias.name}"
                    graph[name].add(target if target in modules else base)
        graph[name] &= set(modules)
        graph[name].discard(name)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in graph[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_no_import_cycle_inside_bot() -> None:
    assert _cycles(_graph()) == []


def test_the_check_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


# The floors (issue #24, docs/architecture: the house): the core below, the features side by
# side above it, the app on top. The core imports no feature; a feature imports the core and
# no other feature; the app's modules (bot/app.py, bot/__main__.py, bot/features.py,
# bot/store.py…) may import everything. Imports under `if TYPE_CHECKING:` never run and are
# not counted: they only name a type for mypy (bot/core/services.py names the store the app
# assembles). The outbox is in the core (bot/core/outbox): every feature owes messages.
CORE = "core"
FEATURES = frozenset(
    {
        "journey",
        "slots",
        "staff",
        "referrers",
        "voice",
        "maintenance",
        "service",
        "whoami",
    }
)

# What still breaks the floors, each import named: this list only shrinks. An import fixed
# must leave it (the test fails on a stale line too), a new one must not join it.
NOT_YET_ON_THEIR_FLOOR: frozenset[str] = frozenset()


def _floor(module: str) -> int:
    room = module.split(".")[1] if "." in module else ""
    return 0 if room == CORE else 1 if room in FEATURES else 2


def _room(module: str) -> str:
    return module.split(".")[1] if "." in module else module


def _runtime_graph() -> dict[str, set[str]]:
    """Like `_graph`, without the imports guarded by `if TYPE_CHECKING:`."""
    return _graph(runtime_only=True)


def _floor_violations(graph: dict[str, set[str]]) -> set[str]:
    found = set()
    for importer, targets in graph.items():
        for target in targets:
            if _room(importer) == _room(target):
                continue
            below, above = _floor(importer), _floor(target)
            if above > below or (below == above == 1):
                found.add(f"{importer} -> {target}")
    return found


def test_each_room_imports_only_its_floor_and_below() -> None:
    found = _floor_violations(_runtime_graph())
    assert sorted(found - NOT_YET_ON_THEIR_FLOOR) == [], "imports across the floors"
    assert sorted(NOT_YET_ON_THEIR_FLOOR - found) == [], "fixed: remove from the allow-list"


def test_the_floors_check_finds_a_feature_reaching_into_another() -> None:
    graph = {
        "bot.core.store": {"bot.staff.views"},
        "bot.staff.views": {"bot.core.store", "bot.slots.store", "bot.staff.rules"},
        "bot.app": {"bot.staff.views", "bot.core.store"},
    }
    assert _floor_violations(graph) == {
        "bot.core.store -> bot.staff.views",
        "bot.staff.views -> bot.slots.store",
    }


def test_only_the_imports_under_type_checking_are_left_out() -> None:
    tree = ast.parse(
        "from typing import TYPE_CHECKING\nimport a\nif TYPE_CHECKING:\n    import b\n"
    )
    skipped = _type_only(tree)
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import) and id(node) not in skipped
        for alias in node.names
    ]
    assert imported == ["a"]
