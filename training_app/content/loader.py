"""Loading the content folders into an immutable Library, with a version per module."""

from __future__ import annotations

import hashlib
from pathlib import Path

from training_app.content.model import Library, Module, Problem, Quiz, frozen_mapping
from training_app.content.quizfile import read_quiz
from training_app.content.scenario import read_module

VERSION_LENGTH = 12


def content_version(files: dict[str, bytes]) -> str:
    """Short sha256 of a module's files ({relative name: bytes}), stable across machines."""
    digest = hashlib.sha256()
    for name in sorted(files):
        # Name and length framing: moving text between files changes the version too.
        data = files[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()[:VERSION_LENGTH]


def load_library(scenarios_dir: str | Path, quizzes_dir: str | Path) -> Library:
    """Read every module folder and quiz file; problems found are kept on the Library."""
    scenarios, quizzes_path = Path(scenarios_dir), Path(quizzes_dir)
    problems: list[Problem] = []
    quizzes: dict[str, Quiz] = {}
    quiz_bytes: dict[str, bytes] = {}
    for path in _files(quizzes_path, problems, quizzes_path.name):
        display = f"{quizzes_path.name}/{path.name}"
        if path.suffix not in (".yaml", ".yml"):
            problems.append(Problem(display, "", "", "not a quiz file", "quizzes are NAME.yaml"))
            continue
        content = _read(path, display, problems)
        if content is None:
            continue
        quiz, quiz_problems = read_quiz(content[1], display, path.stem)
        problems.extend(quiz_problems)
        if quiz is not None:
            quizzes[quiz.module] = quiz
            quiz_bytes[quiz.module] = content[0]
    modules: dict[str, Module] = {}
    for folder in sorted(p for p in _entries(scenarios, problems) if p.is_dir()):
        module = _load_module(
            folder, scenarios.name, quizzes.get(folder.name), quiz_bytes.get(folder.name), problems
        )
        if module is not None:
            modules[module.id] = module
    for module_id, quiz in quizzes.items():
        if module_id not in modules and not (scenarios / module_id).is_dir():
            problems.append(
                Problem(
                    quiz.file,
                    "",
                    "module",
                    f"no scenarios folder for module '{module_id}'",
                    f"add {scenarios.name}/{module_id}/index.md",
                )
            )
    return Library(frozen_mapping(modules), frozen_mapping(quizzes), tuple(problems))


def _load_module(
    folder: Path, root: str, quiz: Quiz | None, quiz_data: bytes | None, problems: list[Problem]
) -> Module | None:
    display = f"{root}/{folder.name}"
    texts: dict[str, str] = {}
    raw: dict[str, bytes] = {}
    for path in _files(folder, problems, display):
        if path.suffix != ".md":
            problems.append(
                Problem(
                    f"{display}/{path.name}",
                    "",
                    "",
                    "not a Markdown page",
                    "pages are NN-slug.md; move other files elsewhere",
                )
            )
            continue
        content = _read(path, f"{display}/{path.name}", problems)
        if content is not None:
            raw[f"{folder.name}/{path.name}"], texts[path.name] = content
    if quiz_data is not None:
        raw[f"quiz/{folder.name}.yaml"] = quiz_data
    module, module_problems = read_module(folder, texts, display, quiz, content_version(raw))
    problems.extend(module_problems)
    return module


def _entries(folder: Path, problems: list[Problem]) -> list[Path]:
    if not folder.is_dir():
        problems.append(Problem(f"{folder.name}/", "", "", f"content folder {folder} not found"))
        return []
    # Editors' and operating systems' hidden files are not content.
    return sorted(p for p in folder.iterdir() if not p.name.startswith("."))


def _files(folder: Path, problems: list[Problem], display: str) -> list[Path]:
    files = []
    for path in _entries(folder, problems):
        if path.is_file():
            files.append(path)
        else:
            problems.append(Problem(f"{display}/{path.name}", "", "", "unexpected folder"))
    return files


def _read(path: Path, display: str, problems: list[Problem]) -> tuple[bytes, str] | None:
    data = path.read_bytes()
    try:
        return data, data.decode("utf-8")
    except UnicodeDecodeError as exc:
        problems.append(Problem(display, "", "", f"not UTF-8 text: {exc.reason}"))
        return None
