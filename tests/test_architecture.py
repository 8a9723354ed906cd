"""The package's layers (ARCHITECTURE.md): imports go one way, down the stages, with no cycle.

Every module's imports are read with the `ast` module (function-level ones too: a lazy import
for start-up speed is fine, but it must still go down), and each `publish` subpackage may import
only the layers below it.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "publish"

# Bottom to top. A module may import its own layer and those before it, never one after it.
LAYERS = ("support", "model", "config", "reading", "render", "build", "commands", "cli")
# The package's face (`publish/__init__.py`: the version) and `__main__` stand outside.
OUTSIDE = {"publish", "publish.__main__"}


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(module: str) -> str | None:
    if module in OUTSIDE:
        return None
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def imports_of(path: Path) -> set[str]:
    """The `publish` modules a file imports, anywhere in it (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            # `from publish.build import keys` imports the module publish.build.keys
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                found.add(candidate if _is_module(candidate) else base)
    return {name for name in found if name == "publish" or name.startswith("publish.")}


def _is_module(name: str) -> bool:
    relative = Path(*name.split("."))
    root = PACKAGE.parent
    return (root / relative).with_suffix(".py").is_file() or (root / relative / "__init__.py").is_file()


def graph() -> dict[str, set[str]]:
    return {module_name(path): imports_of(path) - {module_name(path)}
            for path in sorted(PACKAGE.rglob("*.py"))}


def test_every_subpackage_is_a_declared_layer():
    found = {layer_of(name) for name in graph()} - {None}
    assert found == set(LAYERS), f"undeclared or missing layers: {found ^ set(LAYERS)}"


def test_every_subpackage_says_what_it_owns_and_may_import():
    for layer in LAYERS[:-1]:
        init = PACKAGE / layer / "__init__.py"
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))) or ""
        assert "May import" in doc, f"{init} does not say what it may import"


def test_imports_go_down_the_layers():
    upward = []
    for module, imported in graph().items():
        mine = layer_of(module)
        if mine is None:
            continue
        for other in imported:
            theirs = layer_of(other)
            if theirs is not None and LAYERS.index(theirs) > LAYERS.index(mine):
                upward.append(f"{module} -> {other}")
    assert not upward, "imports that go up the layers:\n" + "\n".join(sorted(upward))


def test_no_import_cycle():
    edges = graph()
    state: dict[str, int] = {}  # 1 on the path, 2 done
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if nxt not in edges:
                continue
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]))
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


@pytest.mark.parametrize("source, expected", [
    ("from publish.build import keys\n", {"publish.build.keys"}),
    ("from publish.build.keys import digest\n", {"publish.build.keys"}),
    ("def f():\n    from publish.cli import main\n", {"publish.cli"}),
])
def test_the_import_reader_sees_every_form(tmp_path: Path, source: str, expected: set[str]):
    """The checks above can fail: the reader finds module-level and function-level imports."""
    path = PACKAGE / "model" / "__probe_for_test__.py"
    try:
        path.write_text(source, encoding="utf-8")
        assert imports_of(path) == expected
    finally:
        path.unlink(missing_ok=True)


def test_an_upward_import_is_caught(tmp_path: Path):
    path = PACKAGE / "model" / "__probe_for_test__.py"
    try:
        path.write_text("def f():\n    from publish.build.plan import build\n", encoding="utf-8")
        with pytest.raises(AssertionError, match="publish.model.__probe_for_test__ -> publish.build.plan"):
            test_imports_go_down_the_layers()
    finally:
        path.unlink(missing_ok=True)
