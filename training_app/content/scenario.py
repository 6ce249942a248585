"""Reading one module folder (scenarios/<module>/) into a Module, recording problems."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from training_app.content.model import AGE_BANDS, AUDIENCES, Module, Page, Problem, Quiz
from training_app.content.schema import Reader
from training_app.content.yamlio import YamlError, split_front_matter

PAGE_NAME = re.compile(r"^(?P<order>\d{2})-(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)\.md$")
_INDEX_REQUIRED = (
    "module",
    "title",
    "audiences",
    "estimated_minutes",
    "version",
    "outcomes",
    "citations",
)


def read_module(
    folder: Path,
    files: Mapping[str, str],
    display: str,
    quiz: Quiz | None,
    content_version: str,
) -> tuple[Module | None, list[Problem]]:
    """Build a Module from a folder's Markdown files ({file name: text}); None if no index.md."""
    if "index.md" not in files:
        problem = Problem(
            f"{display}/",
            "",
            "index.md",
            "the module folder has no index.md",
            "add index.md with the module's front matter",
        )
        return None, [problem]
    reader = Reader(f"{display}/index.md")
    meta, body = _front_matter(reader, files["index.md"])
    if meta is not None:
        reader.keys(meta, "", "", required=_INDEX_REQUIRED, optional=("age_band", "teaches"))
        if not body.strip():
            reader.problem("", "body", "the page has no text")
    meta = meta or {}
    module_id = reader.text(meta, "module", "")
    if module_id and module_id != folder.name:
        reader.problem(
            "", "module", f"module '{module_id}' does not match the folder '{folder.name}'"
        )
    audiences = _audiences(reader, meta)
    age_band = _age_band(reader, meta, audiences)
    outcomes = reader.text_list(meta, "outcomes", "")
    if "outcomes" in meta and not outcomes:
        reader.problem("", "outcomes", "list at least one learning outcome")
    index = Page(
        "index",
        reader.text(meta, "title", ""),
        body,
        reader.file,
        reader.text_list(meta, "citations", ""),
        teaches=reader.text_list(meta, "teaches", ""),
    )
    module = Module(
        id=folder.name,
        title=index.title,
        audiences=audiences,
        estimated_minutes=reader.integer(meta, "estimated_minutes", "", 1, 600, 0),
        version=reader.text(meta, "version", ""),
        outcomes=outcomes,
        citations=index.citations,
        pages=(index, *_read_pages(files, display, reader.problems)),
        content_version=content_version,
        age_band=age_band,
        quiz=quiz,
    )
    return module, reader.problems


def _audiences(reader: Reader, meta: dict[str, Any]) -> tuple[str, ...]:
    audiences = reader.text_list(meta, "audiences", "")
    for audience in audiences:
        if audience not in AUDIENCES:
            hint = "one of: " + ", ".join(AUDIENCES)
            reader.problem("", "audiences", f"unknown audience '{audience}'", hint)
    if "audiences" in meta and not audiences:
        reader.problem("", "audiences", "list at least one audience")
    return audiences


def _age_band(reader: Reader, meta: dict[str, Any], audiences: tuple[str, ...]) -> str | None:
    age_band = reader.text(meta, "age_band", "") or None
    if age_band is not None and age_band not in AGE_BANDS:
        hint = "one of: " + ", ".join(AGE_BANDS)
        reader.problem("", "age_band", f"unknown age band '{age_band}'", hint)
    if age_band is not None and "pupil" not in audiences:
        reader.problem("", "age_band", "age_band is only for modules with audience pupil")
    return age_band


def _read_pages(files: Mapping[str, str], display: str, problems: list[Problem]) -> list[Page]:
    pages = []
    for name in sorted(files):
        if name != "index.md":
            page, page_problems = _read_page(name, files[name], display)
            problems.extend(page_problems)
            if page is not None:
                pages.append(page)
    # `order` may move a page; otherwise the NN- prefix of its file name places it.
    return sorted(pages, key=lambda page: (page.order, page.file))


def _read_page(name: str, text: str, display: str) -> tuple[Page | None, list[Problem]]:
    reader = Reader(f"{display}/{name}")
    match = PAGE_NAME.match(name)
    if match is None:
        hint = "e.g. 02-dont-look-at-the-image.md"
        reader.problem("", "", f"page file name '{name}' is not NN-slug.md", hint)
        return None, reader.problems
    meta, body = _front_matter(reader, text)
    if meta is None:
        return None, reader.problems
    reader.keys(meta, "", "", required=("title", "citations"), optional=("order", "teaches"))
    order = reader.integer(meta, "order", "", 0, 9999, int(match["order"]))
    if not body.strip():
        reader.problem("", "body", "the page has no text")
    citations = reader.text_list(meta, "citations", "")
    teaches = reader.text_list(meta, "teaches", "")
    page = Page(
        match["slug"], reader.text(meta, "title", ""), body, reader.file, citations, order, teaches
    )
    return page, reader.problems


def _front_matter(reader: Reader, text: str) -> tuple[dict[str, Any] | None, str]:
    """The front matter mapping (None if unreadable: already reported) and the body."""
    try:
        raw, body = split_front_matter(text)
    except YamlError as exc:
        reader.problem("", "front matter", str(exc))
        return None, ""
    return reader.mapping(raw, "", "front matter"), body
