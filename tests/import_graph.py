"""Reading training_app's imports from its source with `ast`, never importing the app.

The machinery behind tests/test_architecture.py, which states the rules.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "training_app"


@dataclass(frozen=True)
class Import:
    """One import of a training_app module, as written in a source file."""

    importer: str
    imported: str
    names: tuple[str, ...]
    line: int
    in_function: str | None
    type_checking: bool
    file: str

    def where(self) -> str:
        """`training_app/path/to/file.py:line`, for messages."""
        return f"{self.file}:{self.line}"


def module_name(path: Path) -> str:
    """The dotted name of a source file under training_app/."""
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def read_sources() -> dict[str, str]:
    """Every module of training_app by dotted name, with its source."""
    return {module_name(p): p.read_text(encoding="utf-8") for p in PACKAGE.rglob("*.py")}


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def imports_of(module: str, source: str, modules: Mapping[str, str]) -> Iterator[Import]:
    """The training_app imports in one module's source, with where each sits."""
    package = module if is_package(module, modules) else module.rpartition(".")[0]
    path = module.replace(".", "/")
    file = f"{path}/__init__.py" if package == module else f"{path}.py"

    def walk(node: ast.AST, function: str | None, typing: bool) -> Iterator[Import]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from walk(child, child.name, typing)
            elif isinstance(child, ast.If) and _is_type_checking(child):
                yield from walk(ast.Module(body=child.body, type_ignores=[]), function, True)
                yield from walk(ast.Module(body=child.orelse, type_ignores=[]), function, typing)
            elif isinstance(child, ast.Import):
                for alias in child.names:
                    if alias.name.split(".")[0] == "training_app":
                        yield Import(module, alias.name, (), child.lineno, function, typing, file)
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    parent = package.split(".")[: len(package.split(".")) - child.level + 1]
                    base = ".".join([*parent, base] if base else parent)
                if base.split(".")[0] != "training_app":
                    continue
                names = tuple(a.name for a in child.names)
                # `from package import submodule` imports the submodule.
                submodules = [n for n in names if f"{base}.{n}" in modules]
                for name in submodules:
                    yield Import(module, f"{base}.{name}", (), child.lineno, function, typing, file)
                others = tuple(n for n in names if n not in submodules)
                if others:
                    yield Import(module, base, others, child.lineno, function, typing, file)
            else:
                yield from walk(child, function, typing)

    yield from walk(ast.parse(source), None, False)


def is_package(module: str, modules: Mapping[str, str]) -> bool:
    """Whether a module is a package (has modules under it)."""
    return any(other.startswith(module + ".") for other in modules)


def all_imports(sources: Mapping[str, str]) -> list[Import]:
    """Every training_app import in the given sources."""
    return [
        found
        for module in sorted(sources)
        for found in imports_of(module, sources[module], sources)
    ]


def package_of(module: str) -> str:
    """The top-level package or module under training_app a module belongs to."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else ""


def public_names(package: str, sources: Mapping[str, str]) -> frozenset[str]:
    """The names a feature's `__init__.py` lists in `__all__` (none if it has no `__all__`)."""
    for node in ast.parse(sources.get(package, "")).body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == "__all__" for t in targets) and node.value:
                return frozenset(ast.literal_eval(node.value))
    return frozenset()
