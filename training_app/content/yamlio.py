"""YAML reading for content files: safe loading, duplicate keys refused, front matter split."""

from __future__ import annotations

from typing import Any

import yaml


class YamlError(ValueError):
    """A content file's YAML could not be read; the message names the line."""


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate mapping keys.

    PyYAML silently keeps the last of two equal keys, so a quiz with two nodes of the same
    id would lose one without a word; authors must hear about it instead.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: set[Any] = set()
        for key_node, _value_node in node.value:
            key = self.construct_object(key_node, deep=deep)
            if isinstance(key, str | int | float | bool) and key in seen:
                line = key_node.start_mark.line + 1
                raise YamlError(f"line {line}: duplicate key {key!r}")
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, *, line_offset: int = 0) -> Any:
    """Parse YAML text with the strict safe loader; YamlError names the line on failure."""
    try:
        return yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a SafeLoader subclass
    except YamlError as exc:
        if line_offset:
            raise YamlError(_shift_line(str(exc), line_offset)) from None
        raise
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        reason = getattr(exc, "problem", None) or str(exc)
        if mark is not None:
            raise YamlError(f"line {mark.line + 1 + line_offset}: {reason}") from None
        raise YamlError(str(reason)) from None


def _shift_line(message: str, offset: int) -> str:
    prefix, _, rest = message.partition(": ")
    if prefix.startswith("line "):
        return f"line {int(prefix[5:]) + offset}: {rest}"
    return message


def split_front_matter(text: str) -> tuple[Any, str]:
    """Split `---`-fenced YAML front matter from a Markdown body; YamlError if malformed."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].strip() != "---":
        raise YamlError("line 1: the file must start with '---' and YAML front matter")
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == "---":
            data = load_yaml("".join(lines[1:index]), line_offset=1)
            return data, "".join(lines[index + 1 :])
    raise YamlError("the front matter has no closing '---' line")
