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
# not counted: they only name a type for mypy.
CORE = "core"
FEATURES = frozenset(
    {"journey", "slots", "staff", "referrers", "voice", "outbox", "maintenance", "service", "whoami"}
)

# What still breaks the floors, each import named: this list only shrinks. An import fixed
# must leave it (the test fails on a stale line too), a new one must not join it.
NOT_YET_ON_THEIR_FLOOR: frozenset[str] = frozenset(
    {
        "bot.core.polling -> bot.services",
        "bot.journey.common -> bot.services",
        "bot.journey.drafts -> bot.services",
        "bot.journey.feature -> bot.access",
        "bot.journey.feature -> bot.services",
        "bot.journey.handlers -> bot.referrers.referral",
        "bot.journey.handlers -> bot.services",
        "bot.journey.handlers -> bot.slots.journey_step",
        "bot.journey.handlers -> bot.slots.standing",
        "bot.journey.language -> bot.access",
        "bot.journey.language -> bot.referrers.referral",
        "bot.journey.language -> bot.services",
        "bot.journey.language -> bot.voice.handlers",
        "bot.journey.moves -> bot.outbox.handlers",
        "bot.journey.moves -> bot.referrers.referral",
        "bot.journey.moves -> bot.services",
        "bot.journey.rights -> bot.maintenance.redactions",
        "bot.journey.rights -> bot.services",
        "bot.journey.rights -> bot.slots.rules",
        "bot.journey.rights -> bot.slots.standing",
        "bot.journey.rights -> bot.slots.views",
        "bot.journey.rights -> bot.staff.notice",
        "bot.journey.screen -> bot.referrers.referral",
        "bot.journey.screen -> bot.services",
        "bot.journey.screen -> bot.slots.journey_step",
        "bot.journey.screen -> bot.slots.standing",
        "bot.journey.screen -> bot.voice.handlers",
        "bot.journey.screen -> bot.voice.rules",
        "bot.journey.typed_answers -> bot.services",
        "bot.journey.typed_answers -> bot.slots.journey_step",
        "bot.maintenance.alerts -> bot.services",
        "bot.maintenance.backups -> bot.services",
        "bot.maintenance.backups -> bot.store",
        "bot.maintenance.cli -> bot.store",
        "bot.maintenance.health -> bot.services",
        "bot.maintenance.redactions -> bot.services",
        "bot.maintenance.restore -> bot.store",
        "bot.maintenance.retention -> bot.services",
        "bot.outbox.handlers -> bot.journey.store",
        "bot.outbox.handlers -> bot.journey.views",
        "bot.outbox.handlers -> bot.maintenance.redactions",
        "bot.outbox.handlers -> bot.services",
        "bot.outbox.handlers -> bot.slots.journey_step",
        "bot.outbox.handlers -> bot.staff.decision_notice",
        "bot.outbox.handlers -> bot.staff.notice",
        "bot.outbox.handlers -> bot.voice.handlers",
        "bot.outbox.handlers -> bot.voice.rules",
        "bot.referrers.cli -> bot.journey.dialogs",
        "bot.referrers.cli -> bot.store",
        "bot.referrers.followup_views -> bot.journey.store",
        "bot.referrers.followup_views -> bot.services",
        "bot.referrers.forms -> bot.services",
        "bot.referrers.forms -> bot.staff.typed_input",
        "bot.referrers.handlers -> bot.access",
        "bot.referrers.handlers -> bot.journey.store",
        "bot.referrers.handlers -> bot.services",
        "bot.referrers.handlers -> bot.staff.typed_input",
        "bot.referrers.links -> bot.services",
        "bot.referrers.referral -> bot.journey.dialog_types",
        "bot.referrers.referral -> bot.journey.store",
        "bot.referrers.referral -> bot.services",
        "bot.referrers.store -> bot.journey.store",
        "bot.referrers.views -> bot.services",
        "bot.slots.cli -> bot.journey.dialogs",
        "bot.slots.cli -> bot.store",
        "bot.slots.forms -> bot.services",
        "bot.slots.forms -> bot.staff.typed_input",
        "bot.slots.handlers -> bot.access",
        "bot.slots.handlers -> bot.services",
        "bot.slots.handlers -> bot.staff.typed_input",
        "bot.slots.journey_step -> bot.journey.dialog_types",
        "bot.slots.journey_step -> bot.journey.rules.ids",
        "bot.slots.journey_step -> bot.journey.store",
        "bot.slots.journey_step -> bot.journey.views",
        "bot.slots.journey_step -> bot.services",
        "bot.slots.offers -> bot.journey.rules.proofs",
        "bot.slots.offers -> bot.journey.views",
        "bot.slots.offers -> bot.services",
        "bot.slots.rdv -> bot.access",
        "bot.slots.rdv -> bot.journey.store",
        "bot.slots.rdv -> bot.services",
        "bot.slots.rdv -> bot.staff.notice",
        "bot.slots.reminders -> bot.services",
        "bot.slots.standing -> bot.journey.rules.standing",
        "bot.slots.standing -> bot.journey.store",
        "bot.slots.standing -> bot.journey.views",
        "bot.slots.standing -> bot.services",
        "bot.slots.views -> bot.journey.rules.contact",
        "bot.slots.views -> bot.journey.rules.latin",
        "bot.slots.views -> bot.journey.rules.standing",
        "bot.slots.views -> bot.journey.views",
        "bot.slots.views -> bot.services",
        "bot.staff.callback_views -> bot.journey.dialog_types",
        "bot.staff.callback_views -> bot.journey.rules.contact",
        "bot.staff.callback_views -> bot.journey.rules.ids",
        "bot.staff.callback_views -> bot.journey.store",
        "bot.staff.callback_views -> bot.journey.views",
        "bot.staff.cards -> bot.access",
        "bot.staff.cards -> bot.journey.rules.proofs",
        "bot.staff.cards -> bot.journey.store",
        "bot.staff.cards -> bot.services",
        "bot.staff.cli -> bot.journey.dialogs",
        "bot.staff.cli -> bot.services",
        "bot.staff.cli -> bot.store",
        "bot.staff.decide -> bot.journey.store",
        "bot.staff.decide -> bot.outbox.handlers",
        "bot.staff.decide -> bot.services",
        "bot.staff.decision_notice -> bot.journey.rules.contact",
        "bot.staff.decision_notice -> bot.referrers.referral",
        "bot.staff.decision_notice -> bot.services",
        "bot.staff.decision_notice -> bot.slots.rules",
        "bot.staff.decision_notice -> bot.slots.views",
        "bot.staff.decision_views -> bot.journey.dialog_types",
        "bot.staff.decision_views -> bot.journey.rules.proofs",
        "bot.staff.decision_views -> bot.journey.store",
        "bot.staff.decision_views -> bot.journey.views",
        "bot.staff.dialogs -> bot.journey.dialog_types",
        "bot.staff.digest -> bot.journey.store",
        "bot.staff.digest -> bot.services",
        "bot.staff.digest_rules -> bot.journey.store",
        "bot.staff.digest_store -> bot.journey.store",
        "bot.staff.digest_views -> bot.journey.store",
        "bot.staff.export -> bot.journey.rules.contact",
        "bot.staff.export -> bot.journey.rules.proofs",
        "bot.staff.export -> bot.journey.store",
        "bot.staff.export -> bot.journey.views",
        "bot.staff.export -> bot.referrers.referral",
        "bot.staff.export -> bot.services",
        "bot.staff.export -> bot.slots.store",
        "bot.staff.forms -> bot.journey.store",
        "bot.staff.forms -> bot.services",
        "bot.staff.handlers -> bot.access",
        "bot.staff.handlers -> bot.services",
        "bot.staff.notice -> bot.journey.store",
        "bot.staff.notice -> bot.referrers.referral",
        "bot.staff.notice -> bot.services",
        "bot.staff.queue_store -> bot.journey.store",
        "bot.staff.queue_views -> bot.journey.dialog_types",
        "bot.staff.queue_views -> bot.journey.store",
        "bot.staff.rules -> bot.slots.rules",
        "bot.staff.screens -> bot.access",
        "bot.staff.screens -> bot.referrers.referral",
        "bot.staff.screens -> bot.services",
        "bot.staff.stats -> bot.journey.dialog_types",
        "bot.staff.stats -> bot.referrers.referral",
        "bot.staff.stats -> bot.services",
        "bot.staff.store -> bot.slots.rules",
        "bot.staff.typed_input -> bot.access",
        "bot.staff.typed_input -> bot.services",
        "bot.staff.views -> bot.journey.dialog_types",
        "bot.staff.views -> bot.journey.rules.contact",
        "bot.staff.views -> bot.journey.rules.eligibility",
        "bot.staff.views -> bot.journey.rules.latin",
        "bot.staff.views -> bot.journey.rules.proofs",
        "bot.staff.views -> bot.journey.rules.steps",
        "bot.staff.views -> bot.journey.store",
        "bot.staff.views -> bot.journey.views",
        "bot.staff.views -> bot.slots.store",
        "bot.voice.feature -> bot.access",
        "bot.voice.feature -> bot.journey.common",
        "bot.voice.feature -> bot.services",
        "bot.voice.handlers -> bot.access",
        "bot.voice.handlers -> bot.services",
        "bot.voice.rules -> bot.journey.dialog_types",
        "bot.voice.rules -> bot.journey.rules.eligibility",
        "bot.voice.views -> bot.journey.dialog_types",
        "bot.whoami.handlers -> bot.access",
    }
)


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
