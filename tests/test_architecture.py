"""The house rules, read from the code: layers, no import circles, no private names
borrowed, modules and functions small enough to see whole.

The layers are written once, in ARCHITECTURE.md (the README shows the same picture);
this test reads them there. Every import counts, those inside functions and under
``TYPE_CHECKING`` too.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "simcheck"
PICTURE = re.compile(r"^L(\d+)\s+(\S+)\s+\S")
#: Third-party libraries only some layers may use.
ONLY = {"click": ("cli",), "rich": ("cli", "report"), "sqlite3": ("index",)}
MAX_MODULE_LINES = 500
MAX_FUNCTION_LINES = 60


def picture(path: Path) -> list[str]:
    """The lines of the layer picture in a Markdown file (between its ``text`` fences)."""
    text = path.read_text(encoding="utf-8")
    block = text.split("<!-- layers -->")[1]
    return [line for line in block.split("```")[1].splitlines() if PICTURE.match(line)]


def layers() -> dict[str, int]:
    """Unit (``cli``, ``tokens``, ``__init__``) -> its layer."""
    found = {}
    for line in picture(ROOT / "ARCHITECTURE.md"):
        match = PICTURE.match(line)
        assert match is not None
        found[match.group(2).rstrip("/")] = int(match.group(1))
    return found


@dataclass(frozen=True)
class Import:
    source: str  # the importing module, dotted
    target: str  # the imported module, dotted (a simcheck module or a library's top name)
    names: tuple[str, ...]
    line: int
    lazy: bool  # inside a function
    commented: bool  # a comment on its line or the line above


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def is_module(dotted: str) -> bool:
    path = PACKAGE.parent.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()


def imports(path: Path) -> Iterator[Import]:
    source = module_name(path)
    package = source if path.name == "__init__.py" else source.rpartition(".")[0]
    lines = path.read_text(encoding="utf-8").splitlines()
    tree = ast.parse("\n".join(lines))
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            inside.update(id(child) for child in ast.walk(node) if child is not node)
    for node in ast.walk(tree):
        if not isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        # One comment may speak for a block of imports: on any of its lines, or above it.
        first = node.lineno - 1
        while first > 0 and lines[first - 1].strip().startswith(("import ", "from ")):
            first -= 1
        block = lines[first : node.end_lineno or node.lineno]
        commented = any("#" in line for line in block) or lines[first - 1].strip().startswith("#")
        lazy = id(node) in inside
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield Import(source, alias.name, (), node.lineno, lazy, commented)
            continue
        base = node.module or ""
        if node.level:
            anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
            base = ".".join([*anchor, *([node.module] if node.module else [])])
        names = tuple(alias.name for alias in node.names)
        # "from . import pipeline" imports a module; "from .config import X" a name.
        submodules = [f"{base}.{name}" for name in names if is_module(f"{base}.{name}")]
        for target in submodules or [base]:
            yield Import(source, target, names, node.lineno, lazy, commented)


def every_import() -> list[Import]:
    return [found for path in sorted(PACKAGE.rglob("*.py")) for found in imports(path)]


def unit_of(module: str) -> str:
    """``simcheck.index.query`` -> ``index``; ``simcheck`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def test_the_readme_draws_the_same_layers() -> None:
    assert picture(ROOT / "README.md") == picture(ROOT / "ARCHITECTURE.md")


def test_every_module_has_a_layer() -> None:
    known = layers()
    units = {unit_of(module_name(path)) for path in PACKAGE.rglob("*.py")}
    assert units == set(known), "ARCHITECTURE.md's picture and src/simcheck disagree"


def test_imports_go_down_the_layers_only() -> None:
    known = layers()
    upward = [
        f"{i.source}:{i.line} imports {i.target}"
        for i in every_import()
        if i.target.startswith("simcheck")
        and unit_of(i.source) != unit_of(i.target)
        and known[unit_of(i.target)] >= known[unit_of(i.source)]
    ]
    assert upward == []


def test_no_import_circle() -> None:
    graph: dict[str, set[str]] = {}
    for i in every_import():
        if i.target.startswith("simcheck") and i.target != i.source:
            graph.setdefault(i.source, set()).add(i.target)
    # A package's __init__ re-exports its modules; importing the package means them.
    state: dict[str, int] = {}
    circles = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph.get(module, ())):
            if state.get(target) == 1:
                circles.append(" -> ".join([*path[path.index(target) :], target]))
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    assert circles == []


def test_no_private_name_is_imported_from_another_module() -> None:
    borrowed = [
        f"{i.source}:{i.line} takes {name} from {i.target}"
        for i in every_import()
        for name in i.names
        if name.startswith("_") and not name.startswith("__")
    ]
    assert borrowed == []


@pytest.mark.parametrize("library", sorted(ONLY))
def test_libraries_stay_in_their_layer(library: str) -> None:
    users = sorted({unit_of(i.source) for i in every_import() if i.target.split(".")[0] == library})
    assert set(users) <= set(ONLY[library]), f"{library} is imported by {users}"


def test_every_lazy_import_says_why() -> None:
    silent = [f"{i.source}:{i.line}" for i in every_import() if i.lazy and not i.commented]
    assert silent == [], "an import inside a function needs a comment saying what it saves"


def test_modules_and_functions_are_small_enough_to_see_whole() -> None:
    too_long = []
    for path in sorted(PACKAGE.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(PACKAGE)
        if len(text.splitlines()) > MAX_MODULE_LINES:
            too_long.append(f"{name}: {len(text.splitlines())} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body = node.body
                if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                    body = body[1:] or body  # the docstring is not code
                length = (node.end_lineno or node.lineno) - body[0].lineno + 1
                if length > MAX_FUNCTION_LINES:
                    too_long.append(f"{name}:{node.lineno} {node.name}: {length} lines")
    assert too_long == []
