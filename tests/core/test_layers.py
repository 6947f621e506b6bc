"""The packages of app/ import one way only: down the layers below, never up, never in a cycle.

Read from the source, every import counts, including those inside functions and under TYPE_CHECKING:
an import deferred to dodge a cycle is still a cycle.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

APP = Path(__file__).resolve().parents[2] / "app"

# Bottom to top. A package may import the packages of lower layers, not those of its own or higher
# ones. The modules at app/'s top (main, api, cli, models, reactions) sit above every layer.
LAYERS: tuple[tuple[str, ...], ...] = (
    ("core",),
    ("auth",),
    ("reference",),
    ("org", "rules"),
    ("asn",),
    ("competencies",),
    ("learning",),
    ("talent", "years"),
    ("budgets", "sync", "completeness", "notifications"),
    ("planning",),
    ("accounts", "audit", "demo", "exports", "imports", "reminders"),
)
LAYER = {package: level for level, packages in enumerate(LAYERS) for package in packages}

Edges = dict[str, dict[str, list[str]]]


def _imported(node: ast.AST) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
        if node.module == "app":  # `from app import x` names the module app.x
            return [f"app.{alias.name}" for alias in node.names]
        return [node.module]
    return []


def import_graph() -> Edges:
    """Package → imported package → where (file:line), for every import between app's packages."""
    edges: Edges = defaultdict(lambda: defaultdict(list))
    for path in sorted(APP.rglob("*.py")):
        parts = path.relative_to(APP).parts
        source = parts[0] if len(parts) > 1 else None
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            assert not (isinstance(node, ast.ImportFrom) and node.level), f"{path}: use absolute imports"
            for module in _imported(node):
                names = module.split(".")
                if names[0] != "app" or len(names) < 2:
                    continue
                target = names[1]
                if source is None or target == source:
                    continue
                where = f"{path.relative_to(APP.parent)}:{getattr(node, 'lineno', 0)}"
                edges[source][target].append(where)
    return edges


def packages() -> set[str]:
    return {p.name for p in APP.iterdir() if p.is_dir() and (p / "__init__.py").exists()}


def _reaches(edges: Edges, start: str) -> set[str]:
    seen, todo = set(), [start]
    while todo:
        for nxt in edges.get(todo.pop(), {}):
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def _shortest_cycle(edges: Edges, start: str, among: set[str]) -> list[str]:
    paths, done = [[start]], {start}
    while paths:
        path = paths.pop(0)
        for nxt in sorted(edges.get(path[-1], {})):
            if nxt == start:
                return [*path, start]
            if nxt in among and nxt not in done:
                done.add(nxt)
                paths.append([*path, nxt])
    raise AssertionError(f"no cycle through {start}")


def cycles(edges: Edges) -> list[tuple[list[str], list[str]]]:
    """Each group of packages that import each other, directly or not, with one shortest cycle in it."""
    reach = {package: _reaches(edges, package) for package in edges}
    found: list[tuple[list[str], list[str]]] = []
    grouped: set[str] = set()
    for package in sorted(edges):
        if package in grouped or package not in reach[package]:
            continue
        group = {other for other in reach[package] if package in reach.get(other, set())}
        grouped |= group
        found.append((sorted(group), _shortest_cycle(edges, package, group)))
    return found


def _describe(edges: Edges, group: list[str], cycle: list[str]) -> str:
    steps = [f"  {a} -> {b}  ({', '.join(edges[a][b][:3])})" for a, b in pairwise(cycle)]
    return f"{', '.join(group)} import each other, e.g. " + " -> ".join(cycle) + "\n" + "\n".join(steps)


def test_every_package_has_a_layer() -> None:
    missing = sorted(packages() - LAYER.keys())
    assert not missing, f"add {', '.join(missing)} to LAYERS in {Path(__file__).name}"


def test_no_cycles_between_packages() -> None:
    edges = import_graph()
    found = cycles(edges)
    assert not found, "import cycles between app's packages:\n" + "\n".join(
        _describe(edges, group, cycle) for group, cycle in found
    )


def test_core_imports_no_domain() -> None:
    domains = sorted(import_graph().get("core", {}).items())
    assert not domains, "app/core imports domain packages:\n" + "\n".join(
        f"  core -> {target}  ({', '.join(where)})" for target, where in domains
    )


def test_packages_import_only_lower_layers() -> None:
    edges = import_graph()
    upward = [
        f"  {source} -> {target}  ({', '.join(where[:3])})"
        for source, targets in sorted(edges.items())
        for target, where in sorted(targets.items())
        if LAYER.get(target, -1) >= LAYER.get(source, len(LAYERS))
    ]
    assert not upward, "imports that go sideways or up the layers:\n" + "\n".join(upward)


def test_no_package_imports_the_top_modules() -> None:
    top = {p.stem for p in APP.glob("*.py")} - {"__init__"}
    edges = import_graph()
    wrong = [
        f"  {source} -> app.{target}  ({', '.join(where[:3])})"
        for source, targets in sorted(edges.items())
        for target, where in sorted(targets.items())
        if target in top
    ]
    assert not wrong, "packages importing app's top-level modules, which import them:\n" + "\n".join(wrong)


def test_the_graph_sees_deferred_imports() -> None:
    """The reader finds imports inside functions and under TYPE_CHECKING, not only module-level ones."""
    tree = ast.parse(
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from app.auth.dependencies import allow\n"
        "def f():\n    import app.learning.models\n    from app import asn\n"
    )
    seen = [m for node in ast.walk(tree) for m in _imported(node)]
    assert {"app.auth.dependencies", "app.learning.models", "app.asn"} <= set(seen)
    graph: Edges = {"a": {"b": ["x"]}, "b": {"c": ["y"]}, "c": {"a": ["z"]}, "d": {"a": ["w"]}}
    assert cycles(graph) == [(["a", "b", "c"], ["a", "b", "c", "a"])]
