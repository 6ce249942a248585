"""Typed reading of YAML mappings that records every schema problem instead of stopping."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from training_app.content.model import Problem

_MISSING = object()


def type_name(value: Any) -> str:
    """Describe a YAML value's type the way an author would say it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return f"a true/false value ({str(value).lower()})"
    return {
        str: "text",
        int: "a whole number",
        float: "a number",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


@dataclass
class Reader:
    """Collects one file's problems; its typed getters read YAML values and record what is wrong."""

    file: str
    problems: list[Problem] = field(default_factory=list)

    def problem(self, node: str, field_name: str, message: str, hint: str = "") -> None:
        """Record one problem in this file."""
        self.problems.append(Problem(self.file, node, field_name, message, hint))

    def keys(
        self,
        data: Mapping[str, Any],
        node: str,
        prefix: str,
        *,
        required: Iterable[str],
        optional: Iterable[str] = (),
    ) -> None:
        """Report missing required keys and keys that are not allowed here."""
        required = tuple(required)
        allowed = set(required) | set(optional)
        for key in required:
            if key not in data:
                self.problem(node, prefix + key, f"missing required key '{key}'")
        for key in data:
            if key not in allowed:
                hint = "allowed here: " + ", ".join(sorted(allowed))
                self.problem(node, prefix + str(key), f"unknown key '{key}'", hint)

    def mapping(self, value: Any, node: str, field_name: str) -> dict[str, Any] | None:
        """Return `value` if it is a mapping with text keys, else record a problem."""
        if not isinstance(value, dict):
            self.problem(node, field_name, f"expected a mapping, got {type_name(value)}")
            return None
        bad = [key for key in value if not isinstance(key, str)]
        for key in bad:
            self.problem(
                node, field_name, f"key {key!r} must be text", "quote it, e.g. 'yes' or '1'"
            )
        return {key: item for key, item in value.items() if isinstance(key, str)}

    def text(
        self, data: Mapping[str, Any], key: str, node: str, prefix: str = "", default: str = ""
    ) -> str:
        """Return data[key] as non-empty text; a problem (and `default`) otherwise."""
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default
        if not isinstance(value, str) or not value.strip():
            hint = "quote it" if isinstance(value, bool | int | float) else ""
            self.problem(node, prefix + key, f"expected text, got {type_name(value)}", hint)
            return default
        return value

    def integer(
        self, data: Mapping[str, Any], key: str, node: str, low: int, high: int, default: int
    ) -> int:
        """Return data[key] as a whole number in [low, high]; a problem otherwise."""
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            self.problem(node, key, f"expected a whole number, got {type_name(value)}")
            return default
        if not low <= value <= high:
            self.problem(node, key, f"{value} is out of range {low}-{high}")
            return default
        return value

    def text_list(
        self, data: Mapping[str, Any], key: str, node: str, prefix: str = ""
    ) -> tuple[str, ...]:
        """Return data[key] as a tuple of texts; a problem per bad item."""
        value = data.get(key, _MISSING)
        if value is _MISSING:
            return ()
        if not isinstance(value, list):
            self.problem(node, prefix + key, f"expected a list, got {type_name(value)}")
            return ()
        items: list[str] = []
        for index, item in enumerate(value, start=1):
            if isinstance(item, str) and item.strip():
                items.append(item)
            else:
                self.problem(
                    node, f"{prefix}{key}[{index}]", f"expected text, got {type_name(item)}"
                )
        return tuple(items)

    def boolean(self, data: Mapping[str, Any], key: str, node: str, prefix: str = "") -> bool:
        """Return data[key] as a boolean (absent: false); a problem otherwise."""
        value = data.get(key, False)
        if not isinstance(value, bool):
            self.problem(node, prefix + key, f"expected true or false, got {type_name(value)}")
            return False
        return value
