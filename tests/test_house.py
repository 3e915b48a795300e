"""The house rules of the code: no import circles, no private name crossing from
autograd into nn, no function longer than a screen."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("autograd", "nn")
MAX_LINES = 60  # of a function, its docstring not counted

# Exceptions, each with its reason: none today. An entry is ("path", "function") or
# ("module", "from", "name"), for a rule that a piece of code has good cause to break.
LONG_FUNCTIONS_ALLOWED: set[tuple[str, str]] = set()
PRIVATE_IMPORTS_ALLOWED: set[tuple[str, str, str]] = set()


def modules() -> dict[str, Path]:
    """Every module of the two packages by its dotted name ("nn" for nn/__init__.py)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            name = package if path.stem == "__init__" else f"{package}.{path.stem}"
            found[name] = path
    return found


def tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imports(path: Path, known: dict[str, Path]) -> set[str]:
    """The project's modules that `path` imports, wherever in the file (a function's
    own import is as much a dependency as one at the top)."""
    found = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            # `from nn import saving` imports the module nn.saving; `from nn import fit`, nn
            submodules = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [m if m in known else node.module for m in submodules]
        else:
            continue
        found.update(name for name in names if name in known)
    return found


def cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """An import circle in `graph`, as the modules along it, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for other in sorted(graph[node]):
            if state.get(other) == "open":
                return [*stack[stack.index(other) :], other]
            if other not in state:
                found = visit(other)
                if found:
                    return found
        stack.pop()
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node)
            if found:
                return found
    return None


def test_no_module_imports_itself_through_others():
    known = modules()
    graph = {name: imports(path, known) - {name} for name, path in known.items()}
    # a package's __init__ counts as the module "autograd" or "nn": a module that
    # __init__ imports and that imports its package back is a circle too
    assert cycle(graph) is None, " -> ".join(cycle(graph) or [])


def test_the_cycle_finder_finds_a_circle():
    assert cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def public_names(module: str, known: dict[str, Path]) -> set[str] | None:
    """The names a module declares public in `__all__`, or None if it declares none."""
    for node in tree(known[module]).body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets
        ):
            return set(ast.literal_eval(node.value))
    return None


def private_imports(path: Path, known: dict[str, Path]) -> set[tuple[str, str]]:
    """(module, name) for each name `path` imports from autograd that autograd keeps
    private: a leading underscore, or left out of its module's `__all__`."""
    found = set()
    for node in ast.walk(tree(path)):
        if not isinstance(node, ast.ImportFrom) or not (node.module or "").startswith("autograd"):
            continue
        module = node.module or ""
        public = public_names(module, known) if module in known else None
        for alias in node.names:
            private = alias.name.startswith("_") or (
                public is not None and alias.name not in public
            )
            if private and f"{module}.{alias.name}" not in known:  # a module is not a name
                found.add((module, alias.name))
    return found


def test_nn_uses_only_autograds_public_names():
    known = modules()
    crossing = {
        (str(path.relative_to(ROOT)), module, name)
        for mod, path in known.items()
        if mod.split(".")[0] == "nn"
        for module, name in private_imports(path, known)
    }
    assert crossing <= PRIVATE_IMPORTS_ALLOWED, sorted(crossing - PRIVATE_IMPORTS_ALLOWED)


def length(function: ast.FunctionDef | ast.AsyncFunctionDef) -> int:
    """Lines from the `def` (or its first decorator) to the end, the docstring not counted."""
    start = function.decorator_list[0].lineno if function.decorator_list else function.lineno
    lines = (function.end_lineno or function.lineno) - start + 1
    first = function.body[0]
    docstring = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
    if docstring and isinstance(first.value.value, str):  # type: ignore[attr-defined]
        lines -= (first.end_lineno or first.lineno) - first.lineno + 1
    return lines


def test_length_counts_code_not_the_docstring():
    source = 'def f(x):\n    """A\n    docstring."""\n\n    return x\n'
    (function,) = ast.parse(source).body
    assert isinstance(function, ast.FunctionDef) and length(function) == 3


def test_every_function_fits_on_a_screen():
    too_long = set()
    for path in modules().values():
        for node in ast.walk(tree(path)):
            functions = (ast.FunctionDef, ast.AsyncFunctionDef)
            if isinstance(node, functions) and length(node) > MAX_LINES:
                too_long.add((str(path.relative_to(ROOT)), node.name))
    assert too_long <= LONG_FUNCTIONS_ALLOWED, sorted(too_long - LONG_FUNCTIONS_ALLOWED)
