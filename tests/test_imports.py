"""The import graph of `kembed`: no cycle among its modules, counting every import in the
source (those inside functions too, the lazy ones), read with `ast`; and the floors of
DESIGN.md (`vectors/` and `text/` never import Keras-facing or CLI modules)."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parents[1] / "src"


def _modules() -> dict[str, Path | None]:
    found: dict[str, Path | None] = {}
    for path in (SRC / "kembed").rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    for path in (SRC / "kembed").rglob("*.pyx"):  # compiled kernels import nothing of ours
        found[".".join(path.relative_to(SRC).with_suffix("").parts)] = None
    return found


def _graph() -> dict[str, set[str]]:
    """module -> the kembed modules it imports (not the packages above it, whose
    `__init__` only re-exports)."""
    modules = _modules()

    def resolve(name: str) -> str | None:
        while name and name not in modules:
            name = name.rpartition(".")[0]
        return name or None

    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        if path is None:
            continue
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = node.module or ""
                if node.level:
                    up = package.split(".")[: len(package.split(".")) - node.level + 1]
                    base = ".".join([*up, *([node.module] if node.module else [])])
                targets = [base] + [f"{base}.{alias.name}" for alias in node.names]
            else:
                continue
            for target in targets:
                found = resolve(target) if target.startswith("kembed") else None
                if found and found != name and not name.startswith(found + "."):
                    graph[name].add(found)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            component = []
            while True:
                other = stack.pop()
                component.append(other)
                if other == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in graph:
        if node not in index:
            visit(node)
    return cycles


# The one import that runs up a floor, on purpose: `Vectors.load` / `Vectors.save` are the
# API users call, and they hand over to `kembed.vectors.io` (inside the methods), which
# builds `Vectors`. Nothing else may close a loop.
_UPWARD = {("kembed.vectors.store", "kembed.vectors.io")}


def test_no_import_cycle():
    graph = _graph()
    for module, imported in _UPWARD:
        assert imported in graph[module], "the exception is gone: drop it from _UPWARD"
        graph[module].discard(imported)
    assert _cycles(graph) == []


def test_the_checker_finds_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_lower_floors_never_import_the_upper_ones():
    upper = ("kembed.embedding", "kembed.classify", "kembed.training", "kembed.cli")
    upper += ("kembed.distribute", "kembed.evaluate", "kembed.examples")
    for name, imported in _graph().items():
        if name.startswith(("kembed.vectors", "kembed.text")):
            bad = sorted(i for i in imported if i.startswith(upper))
            assert not bad, f"{name} imports {bad}"
