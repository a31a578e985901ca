"""The package's imports run one way and form no circle (an AST check, imports inside
functions included)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "classifier"

# Highest first: a module may import its own layer and the layers below it, never above.
LAYERS = [
    ("cli", ["classifier.cli", "classifier.__main__"]),
    ("serve", ["classifier.serve"]),
    ("views", ["classifier.reports"]),
    ("library", ["classifier.persistence", "classifier.training", "classifier.distillation",
                 "classifier.tuning", "classifier.calibration",
                 "classifier.evaluation", "classifier.diagnostics", "classifier.batch",
                 "classifier.model_card"]),
    ("backends", ["classifier.tfidf", "classifier.transformer"]),
    ("model", ["classifier.model", "classifier.prediction", "classifier.metadata"]),
    ("text and data", ["classifier.text", "classifier.data"]),
    ("base", ["classifier.errors", "classifier.labels", "classifier.leftovers"]),
]
# Re-export modules that sit outside the layers on purpose.
SHIMS = {"classifier", "classifier.features", "classifier.weighting", "classifier.cascade"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> set[str]:
    """Every ``classifier...`` module ``path`` imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{a.name}" for a in node.names)
    return {name for name in found if name.split(".")[0] == "classifier"}


GRAPH = {module_name(p): imports(p) for p in PACKAGE.rglob("*.py")}
MODULES = set(GRAPH)


def resolve(name: str) -> str | None:
    """The module ``name`` refers to (``from a import b``: ``a.b`` if a module, else ``a``)."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def layer(module: str) -> int | None:
    for index, (_, prefixes) in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return index
    return None


def test_every_module_has_a_layer():
    assert sorted(m for m in MODULES if layer(m) is None and m not in SHIMS) == []


@pytest.mark.parametrize("module", sorted(MODULES - SHIMS))
def test_imports_run_downward(module):
    own = layer(module)
    upward = sorted(
        f"{target} ({LAYERS[layer(target)][0]})"
        for target in filter(None, map(resolve, GRAPH[module]))
        if target != "classifier" and target not in SHIMS and layer(target) < own
    )
    assert upward == [], f"{module} ({LAYERS[own][0]}) imports upward"


def test_no_import_cycles():
    edges = {m: {t for t in map(resolve, GRAPH[m]) if t and t != m and t != "classifier"}
             for m in MODULES}
    # a package's __init__ importing its own submodules is not a cycle of concerns
    for m in MODULES:
        edges[m] = {t for t in edges[m] if not t.startswith(m + ".")}
    state, cycles = {}, []

    def visit(node, path):
        state[node] = "open"
        for target in sorted(edges[node]):
            if state.get(target) == "open":
                cycles.append(path[path.index(target):] + [target])
            elif target not in state:
                visit(target, path + [target])
        state[node] = "done"

    for node in sorted(MODULES):
        if node not in state:
            visit(node, [node])
    assert cycles == []
