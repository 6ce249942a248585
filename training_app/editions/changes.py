"""What changed between the school group's 2016-based policy and the 2024 national advice.

The changes are data (``what-changed.yaml`` beside this file), read and checked here without
Flask: `flask content check` reports each problem with file, change and field, and the page
shows only a file that checks clean. Each change cites both sides. The group policy is
vendored, so its side may quote it (the quote must be verbatim in the cited section); the 2024
advice and the other outside pages are described sources, so their side is our own summary
and must not look like a quotation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from training_app.content.model import Problem
from training_app.content.schema import Reader, type_name
from training_app.rules import is_valid_citation
from training_app.rules.citations import SOURCES, section

CHANGES_FILE = Path(__file__).resolve().parent / "what-changed.yaml"
SIDES = ("group_policy", "advice_2024")
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Quotation marks in a described source's summary would pass our words off as its words.
_QUOTE_MARKS = re.compile('["“”„«»]')
_SIDE_HINTS = {
    "group_policy": "this side cites the vendored seed documents, e.g. UKCCIS-2016 §3.3",
    "advice_2024": "this side cites described sources, e.g. UKCIS-2024 §2.2",
}


@dataclass(frozen=True)
class Side:
    """One side of a change: our summary, an optional verbatim quote, and its citations."""

    summary: str
    citations: tuple[str, ...]
    quote: str = ""


@dataclass(frozen=True)
class Change:
    """One difference between the group policy (2016-based) and the 2024 national advice."""

    id: str
    title: str
    group_policy: Side
    advice_2024: Side


def is_described(citation: str) -> bool:
    """Whether the citation's source is described in our words rather than vendored."""
    return not SOURCES[section(citation).source].vendored


def read_changes(
    data: Any, file: str, quote_found: Callable[[str, tuple[str, ...]], bool]
) -> tuple[tuple[Change, ...], list[Problem]]:
    """Build the changes from decoded YAML; every problem is returned, none raised.

    ``quote_found(quote, citations)`` says whether a quote is verbatim in one of the cited
    sections (``training_app.content.guidance.quote_found``; a parameter to keep this pure).
    """
    found = Reader(file)
    changes: list[Change] = []
    raw = data.get("changes") if isinstance(data, Mapping) else None
    if not isinstance(raw, list) or not raw:
        found.problem("", "changes", f"expected a list of changes, got {type_name(raw)}")
        return (), found.problems
    seen: set[str] = set()
    for index, item in enumerate(raw, start=1):
        node = f"changes[{index}]"
        entry = found.mapping(item, node, "")
        if entry is None:
            continue
        found.keys(entry, node, "", required=("id", "title", *SIDES))
        change_id = found.text(entry, "id", node)
        if change_id:
            if not _ID.match(change_id):
                found.problem(node, "id", f"'{change_id}' is not a lower-case-hyphenated id")
            elif change_id in seen:
                found.problem(node, "id", f"'{change_id}' is used twice")
            seen.add(change_id)
            node = change_id
        group, advice = (_side(found, entry.get(name), node, name, quote_found) for name in SIDES)
        title = found.text(entry, "title", node)
        if title and group and advice and change_id:
            changes.append(Change(change_id, title, group, advice))
    return tuple(changes), found.problems


def _side(
    found: Reader,
    value: Any,
    node: str,
    name: str,
    quote_found: Callable[[str, tuple[str, ...]], bool],
) -> Side | None:
    data = found.mapping(value, node, name) if value is not None else None
    if data is None:
        return None
    described = name == "advice_2024"
    optional = () if described else ("quote",)
    before = len(found.problems)
    found.keys(data, node, f"{name}.", required=("summary", "citations"), optional=optional)
    summary = found.text(data, "summary", node, f"{name}.")
    citations = found.text_list(data, "citations", node, f"{name}.")
    if "citations" in data and not citations:
        found.problem(node, f"{name}.citations", "cite at least one section")
    for citation in citations:
        if not is_valid_citation(citation):
            found.problem(
                node,
                f"{name}.citations",
                f"unknown citation '{citation}'",
                "cite a registered section, e.g. UKCCIS-2016 §3.3 or UKCIS-2024 §2.2",
            )
        elif is_described(citation) != described:
            found.problem(
                node, f"{name}.citations", f"'{citation}' is on the wrong side", _SIDE_HINTS[name]
            )
    if described and _QUOTE_MARKS.search(summary):
        found.problem(
            node,
            f"{name}.summary",
            "quotation marks in a summary of a described source",
            "described sources are not vendored: paraphrase them in your own words",
        )
    # A described side's `quote` is already reported as an unknown key above.
    quote = found.text(data, "quote", node, f"{name}.") if optional and "quote" in data else ""
    valid = tuple(c for c in citations if is_valid_citation(c) and not is_described(c))
    if quote and valid and not quote_found(quote, valid):
        found.problem(
            node,
            f"{name}.quote",
            "quote not found verbatim in the cited sections",
            ", ".join(valid),
        )
    if len(found.problems) > before:
        return None
    return Side(summary, citations, quote)


def load_changes(
    path: Path, quote_found: Callable[[str, tuple[str, ...]], bool], display: str = ""
) -> tuple[tuple[Change, ...], list[Problem]]:
    """Read and check the changes file at ``path``; problems name it ``display`` (or its name)."""
    file = display or path.name
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return (), [Problem(file, "", "", f"cannot read the file: {exc}")]
    except yaml.YAMLError as exc:
        return (), [Problem(file, "", "", f"not valid YAML: {exc}")]
    return read_changes(data, file, quote_found)
