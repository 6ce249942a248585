"""The engine is pure: standard library only, no web stack, small modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from tests.rules.conftest import REPO

RULES_DIR = REPO / "training_app" / "rules"
FORBIDDEN = ("flask", "sqlalchemy", "yaml", "werkzeug", "jinja2")
CHECK = f"""
import training_app.rules
loaded = sorted({{m.split(".")[0] for m in sys.modules}} & set({FORBIDDEN!r}))
print(",".join(loaded))
"""
# Makes ``training_app`` an empty namespace so only the engine's own imports are measured.
STUB_PARENT = f"""
import types
parent = types.ModuleType("training_app")
parent.__path__ = [{str(REPO / "training_app")!r}]
sys.modules["training_app"] = parent
"""


def _loaded_after_import(setup: str) -> str:
    result = subprocess.run(
        [sys.executable, "-c", "import sys\n" + setup + CHECK],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_importing_training_app_rules_loads_no_web_stack() -> None:
    loaded = _loaded_after_import("")
    assert loaded == "", (
        f"`import training_app.rules` loaded {loaded}. If they come from "
        "training_app/__init__.py, import Flask inside create_app() instead of at module level."
    )


def test_the_engine_itself_imports_only_the_standard_library() -> None:
    assert _loaded_after_import(STUB_PARENT) == ""


def test_engine_source_imports_are_standard_library_or_relative() -> None:
    for path in sorted(RULES_DIR.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert name.split(".")[0] in sys.stdlib_module_names, f"{path.name}: {name}"


def test_modules_stay_small() -> None:
    for path in sorted(RULES_DIR.glob("*.py")):
        lines = path.read_text(encoding="utf-8").count("\n")
        assert lines < 400, f"{path.name} has {lines} lines"


def test_engine_does_no_file_io() -> None:
    # Guidance texts are read by callers (tests, content checker); the engine only gets strings.
    for path in sorted(RULES_DIR.glob("*.py")):
        if path.name == "cli.py":
            continue
        source = path.read_text(encoding="utf-8")
        assert "open(" not in source and "read_text(" not in source, path.name


def test_rules_dir_exists() -> None:
    assert Path(RULES_DIR / "__init__.py").is_file()
