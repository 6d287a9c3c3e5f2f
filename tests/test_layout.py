"""The package's folders are its architecture: layers import only downwards, no import cycle (at the
top of a module or inside a function), no module over 500 lines, no function, method, class or
constant without a caller in the package (tests do not count), and the README's layout names every module.

Read from the source with ``ast``: nothing is imported or run.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "cungai"
#: The layers, lowest first: a module imports only from its own layer or the ones before it. The
#: README's layout section lists the sub-packages in this order.
LAYERS = (
    ("errors", "config", "paths", "offline"),
    ("rdf",),
    ("project",),
    ("checks",),
    ("query",),
    ("views",),
    ("build",),
    ("link",),
    ("serve",),
    ("synth",),
    ("cli", "__main__"),
)
MAX_LINES = 500
#: Called from outside the package: the console script, ``python -m cungai.views.browser``, and
#: click calling the method the command group overrides.
ENTRY_POINTS = {("cungai.cli", "main"), ("cungai.views.browser", "main"), ("cungai.cli", "CungaiGroup.invoke")}


def _modules() -> dict[str, Path]:
    return {".".join(path.relative_to(REPO).with_suffix("").parts).removesuffix(".__init__"): path
            for path in sorted(PACKAGE.rglob("*.py"))}


MODULES = _modules()
TREES = {name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path)) for name, path in MODULES.items()}


def _layer(module: str) -> int:
    part = module.split(".")[1] if module.count(".") else ""
    for index, names in enumerate(LAYERS):
        if part in names:
            return index
    raise AssertionError(f"{module} is in no layer of tests/test_layout.py")


def _resolve(module: str, node: ast.ImportFrom) -> list[str]:
    """The package modules an ``from … import …`` names (``from . import x`` may name a module)."""
    package = module if MODULES[module].name == "__init__.py" else module.rsplit(".", 1)[0]
    if node.level:
        base = package.split(".")
        base = base[: len(base) - node.level + 1]
        target = ".".join(base + ([node.module] if node.module else []))
    else:
        target = node.module or ""
    found = []
    for alias in node.names:
        if f"{target}.{alias.name}" in MODULES:
            found.append(f"{target}.{alias.name}")
        elif target in MODULES:
            found.append(target)
    return found


def imports() -> dict[str, set[str]]:
    """Every module's imports of package modules, wherever they stand in the module."""
    graph: dict[str, set[str]] = defaultdict(set)
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                graph[module].update(_resolve(module, node))
            elif isinstance(node, ast.Import):
                graph[module].update(alias.name for alias in node.names if alias.name in MODULES)
        graph[module].discard(module)
    return graph


def test_every_module_is_in_a_layer():
    for module in MODULES:
        if module != "cungai":
            _layer(module)


def test_lower_layers_never_import_upper_ones():
    upward = [f"{module} imports {target}" for module, targets in imports().items() if module != "cungai"
              for target in sorted(targets) if target != "cungai" and _layer(target) > _layer(module)]
    assert not upward, "\n".join(upward)


def test_no_import_cycle():
    graph = imports()
    cycles, state = [], {}

    def visit(module: str, path: list[str]) -> None:
        state[module] = "open"
        for target in sorted(graph.get(module, ())):
            if state.get(target) == "open":
                cycles.append(" -> ".join(path[path.index(target):] + [target]))
            elif target not in state:
                visit(target, path + [target])
        state[module] = "done"

    for module in sorted(MODULES):
        if module not in state:
            visit(module, [module])
    assert not cycles, "\n".join(cycles)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_modules_stay_small(module):
    lines = MODULES[module].read_text(encoding="utf-8").count("\n")
    assert lines <= MAX_LINES, f"{MODULES[module].relative_to(REPO)} has {lines} lines"


def _definitions() -> dict[tuple[str, str], ast.stmt]:
    found = {}
    for module, tree in TREES.items():
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                if not node.decorator_list:  # decorated: registered (click commands, routes, udfs)
                    found[(module, node.name)] = node
            if isinstance(node, ast.ClassDef):  # methods too, but the special ones Python calls itself
                for method in node.body:
                    if isinstance(method, (ast.FunctionDef, ast.AsyncFunctionDef)) and not method.name.startswith("__"):
                        found[(module, f"{node.name}.{method.name}")] = method
            elif isinstance(node, (ast.Assign, ast.AnnAssign)):
                for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                    if isinstance(target, ast.Name) and not target.id.startswith("__"):
                        found[(module, target.id)] = node
    return found


def _uses() -> dict[str, set[tuple[str, int]]]:
    """Where each name is used: (module, line). An import counts as a use (the linter keeps no unused import)."""
    uses: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for module, tree in TREES.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                uses[node.id].add((module, node.lineno))
            elif isinstance(node, ast.Attribute):
                uses[node.attr].add((module, node.lineno))
            elif isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    uses[alias.name].add((module, node.lineno))
    return uses


def test_everything_defined_has_a_caller_in_the_package():
    uses = _uses()
    unused = []
    for (module, name), node in sorted(_definitions().items()):
        if (module, name) in ENTRY_POINTS:
            continue
        inside = range(node.lineno, (node.end_lineno or node.lineno) + 1)
        called = name.rsplit(".", 1)[-1]  # a method is used wherever an attribute of its name is
        callers = {(m, line) for m, line in uses.get(called, ()) if not (m == module and line in inside)}
        if not callers:
            unused.append(f"{module}.{name} (line {node.lineno})")
    assert not unused, "defined but never used in the package:\n" + "\n".join(unused)


def _readme_layout() -> str:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return readme.split("## Layout", 1)[1].split("\n## ", 1)[0]


def test_the_readme_layout_names_every_module_in_layer_order():
    layout = _readme_layout()
    for module in MODULES:
        parts = module.split(".")[1:]
        if not parts or parts == ["__main__"]:
            continue
        if len(parts) == 2:
            line = next((l for l in layout.splitlines() if l.strip().startswith(parts[0] + "/")), "")
            assert re.search(rf"\b{parts[1]}\b", line) or parts[1] == "__init__", f"README layout: {module} is missing"
        else:
            assert re.search(rf"\b{parts[0]}(\.py|/)", layout), f"README layout: {module} is missing"
    folders = [l.strip().split("/")[0] for l in layout.splitlines() if re.match(r"^\s{2}[a-z]+/", l)]
    layered = [name for names in LAYERS for name in names if (PACKAGE / name).is_dir()]
    assert folders == layered, f"README layout lists {folders}, the layers are {layered}"


def test_the_readme_layout_names_no_missing_module():
    layout = _readme_layout()
    for line in layout.splitlines():
        match = re.match(r"^\s{2}([a-z]+)/\s+(.*)$", line)
        if match:
            folder, text = match.groups()
            for name in re.findall(r"(?:^|, )([a-z_]+)(?=[,:]|\s\(|$)", text.split(":")[0]):
                if name != "templates":
                    assert (PACKAGE / folder / f"{name}.py").is_file(), f"README layout names {folder}/{name}.py"


def test_no_private_name_crosses_modules():
    crossing = [f"{module}: {alias.name}" for module, tree in TREES.items() for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) for alias in node.names
                if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not crossing, "\n".join(crossing)
