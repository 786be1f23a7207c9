"""The house rules of docs/architecture.md, checked on every module of learnpath/ by reading its imports.

Every import counts: at the top, inside a function, under TYPE_CHECKING. A
module may import one on a lower floor, or one in its own folder; never one on
a higher floor, never one beside it in another folder, and no module may reach
itself again through its imports (a circle).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "learnpath"

# The floors, top to bottom (docs/architecture.md draws the same list). A module belongs to
# the first entry its dotted name starts with; the folder is what "its own folder" means.
FLOORS: list[tuple[int, tuple[str, ...]]] = [
    (11, ("learnpath.__main__",)),
    (10, ("learnpath.cli",)),
    (9, ("learnpath.mcp",)),
    (8, ("learnpath.ui",)),
    (7, ("learnpath.study",)),
    (6, ("learnpath.course",)),
    (5, ("learnpath.quiz", "learnpath.exercises")),
    (4, ("learnpath.record", "learnpath.sandbox")),
    (3, ("learnpath.catalog", "learnpath.nn")),
    (2, ("learnpath.pictures",)),
    (1, ("learnpath.files", "learnpath.yamlsource", "learnpath.schema", "learnpath.lab")),
    (0, ("learnpath.errors",)),
]
# the package's own __init__ (the version number) is the ground everything stands on
GROUND = "learnpath"

# third-party libraries that only some folders may load
ONLY_IN = {
    "typer": ("learnpath.cli",),
    "rich": ("learnpath.ui", "learnpath.pictures"),
}


def _module_names() -> dict[str, Path]:
    names = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _imports(path: Path) -> set[str]:
    """Every module named by an import in the file (learnpath's own, and third-party top names)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                found.add(submodule if submodule in MODULES else node.module)
    return found


GRAPH = {name: {i for i in _imports(path) if i in MODULES and i != name} for name, path in MODULES.items()}


def _place(module: str) -> tuple[int, str]:
    """(floor, folder) of a module of learnpath."""
    if module == GROUND:
        return -1, GROUND
    for floor, prefixes in FLOORS:
        for prefix in prefixes:
            if module == prefix or module.startswith(prefix + "."):
                return floor, prefix
    raise AssertionError(f"{module} is on no floor: add it to FLOORS here and to docs/architecture.md")


def test_every_module_has_a_floor():
    """A new module must be placed on a floor before it can be imported anywhere."""
    assert len(MODULES) > 40
    for module in MODULES:
        _place(module)


def test_every_arrow_points_down():
    """No module imports one on a higher floor, or one on the same floor in another folder."""
    wrong = []
    for module, imported in sorted(GRAPH.items()):
        floor, folder = _place(module)
        for other in sorted(imported):
            other_floor, other_folder = _place(other)
            if other_folder == folder or other == GROUND:
                continue
            if other_floor >= floor:
                wrong.append(f"{module} (floor {floor}) imports {other} (floor {other_floor})")
    assert not wrong, "arrows that do not point down:\n" + "\n".join(wrong)


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan's algorithm, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = counter
        counter += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                group = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    group.append(member)
                    if member == node:
                        break
                if len(group) > 1:
                    found.append(sorted(group))
    return found


def test_the_circle_finder_finds_a_circle():
    """The check below can fail: a three-module circle is found, a straight line is not."""
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": set()}) == []


def test_no_circles_anywhere_in_learnpath():
    """No module imports one that imports it back, even through others (the library included)."""
    assert _circles(GRAPH) == []


@pytest.mark.parametrize("library", sorted(ONLY_IN))
def test_the_core_never_loads_the_terminal_libraries(library):
    """Typer only in cli/; Rich only in ui/ and pictures/ (the core is usable without a terminal)."""
    allowed = ONLY_IN[library]
    users = [name for name, path in MODULES.items()
             if any(i == library or i.startswith(library + ".") for i in _imports(path))]
    assert users, f"nothing imports {library}: the rule checks nothing"
    strays = [name for name in users if not name.startswith(allowed)]
    assert not strays, f"{library} imported outside {allowed}: {strays}"
