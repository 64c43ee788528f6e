"""The import graph of src/keepwise: no cycle, and no module imports from a later stage.

Stages, each importing only from earlier ones (the order /work/shared/tools/layers checks):
config/text < data < metrics < models < assess < (report, sample, offboard, cadence, ...) < pipeline
< store < app < cli. A package's __init__ re-exporting its own modules is not a cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"
RANK = {"config": 0, "settings": 0, "output": 0, "text": 0, "data": 1, "metrics": 2, "models": 3, "assess": 4,
        "pipeline": 5.5, "store": 5.7, "app": 6, "web": 6, "cli": 7, "__main__": 7}
# Back-imports tolerated for now: none (issue 9 part A removed report.build -> pipeline).
PENDING: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    modules = {}
    for path in (SRC / "keepwise").rglob("*.py"):
        name = ".".join(path.relative_to(SRC).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


def _rank(module: str) -> float:
    parts = module.split(".")
    return RANK.get(parts[1], 5) if len(parts) > 1 else 5


def import_graph() -> dict[str, set[str]]:
    """module -> the keepwise modules it imports (anywhere in the file, lazy imports included)."""
    modules = _modules()
    edges: dict[str, set[str]] = {m: set() for m in modules}
    for module, path in modules.items():
        package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    parts = package.split(".")
                    base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                while target and target not in modules:
                    target = target.rsplit(".", 1)[0] if "." in target else ""
                if target and target != module:
                    edges[module].add(target)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), bar a package with its children."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in edges:
        if node not in index:
            visit(node)
    return [c for c in found if not all(m == c[0] or m.startswith(c[0] + ".") for m in c)]


def test_the_walk_sees_lazy_imports_and_relative_ones():
    edges = import_graph()
    assert "keepwise.models.churn_fits" in edges["keepwise.models.predict"]  # imported inside a function
    assert "keepwise.sample.writer" in edges["keepwise.sample"]


def test_no_import_cycle_and_no_import_from_a_later_stage():
    edges = import_graph()
    back = {(m, t) for m, targets in edges.items() for t in targets if _rank(t) > _rank(m)}
    found = cycles(edges)
    pending_cycle = [c for c in found if any(set(p) <= set(c) for p in PENDING)]
    assert back <= PENDING, sorted(back - PENDING)
    assert found == pending_cycle, found
    if back or found:
        pytest.xfail(f"waiting for issue 9 part A: {sorted(back)} {found}")
