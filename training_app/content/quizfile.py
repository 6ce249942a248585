"""Reading one quiz file (quizzes/<module>.yaml) into a Quiz, recording schema problems."""

from __future__ import annotations

from typing import Any

from training_app.content.kinds import KINDS
from training_app.content.model import (
    Case,
    Choice,
    ChoiceValue,
    Node,
    NodeKind,
    Problem,
    Quiz,
    Select,
    frozen_mapping,
)
from training_app.content.schema import Reader, type_name
from training_app.content.yamlio import YamlError, load_yaml
from training_app.rules import Facts, FactsError, parse_facts, parse_protocol

BOOL_ASKS = (
    "refer_immediately",
    "inform_parents",
    "view_imagery",
    "headteacher_signoff_required",
    "record_reasons_for_not_referring",
)
SET_ASKS = ("triggers", "agencies", "next_steps")
ASKS = (*BOOL_ASKS, "classification", *SET_ASKS)


def read_quiz(text: str, file: str, stem: str) -> tuple[Quiz | None, list[Problem]]:
    """Parse a quiz file's text; return the quiz (None if unusable) and its schema problems."""
    reader = Reader(file)
    try:
        raw = load_yaml(text)
    except YamlError as exc:
        reader.problem("", "", f"not valid YAML: {exc}")
        return None, reader.problems
    data = reader.mapping(raw, "", "")
    if data is None:
        return None, reader.problems
    reader.keys(
        data,
        "",
        "",
        required=("module", "title", "pass_mark", "start", "nodes"),
        optional=("cases",),
    )
    module = reader.text(data, "module", "")
    if module and module != stem:
        reader.problem(
            "",
            "module",
            f"module '{module}' does not match the file name '{stem}.yaml'",
            f"rename the file to {module}.yaml or set module: {stem}",
        )
    nodes: dict[str, Node] = {}
    node_map = reader.mapping(data["nodes"], "", "nodes") if "nodes" in data else None
    if node_map == {}:
        reader.problem("", "nodes", "a quiz needs at least one node")
    for node_id, raw_node in (node_map or {}).items():
        node = _read_node(reader, node_id, raw_node)
        if node is not None:
            nodes[node_id] = node
    quiz = Quiz(
        module=stem,  # the file name decides: a mismatched `module` was reported above
        title=reader.text(data, "title", ""),
        pass_mark=reader.integer(data, "pass_mark", "", 0, 100, 100),
        start=reader.text(data, "start", ""),
        nodes=frozen_mapping(nodes),
        file=file,
        cases=_read_cases(reader, data.get("cases", [])),
    )
    return quiz, reader.problems


def _read_node(reader: Reader, node_id: str, raw: Any) -> Node | None:
    data = reader.mapping(raw, node_id, "")
    if data is None:
        return None
    kind = data.get("kind")
    if kind not in KINDS:
        reader.problem(
            node_id, "kind", f"unknown or missing kind {kind!r}", "one of: " + ", ".join(KINDS)
        )
        return None
    required, optional = KINDS[kind].node_keys
    reader.keys(data, node_id, "", required=("kind", *required), optional=optional)
    node_kind: NodeKind = kind
    ask = reader.text(data, "ask", node_id) or None
    if ask is not None and ask not in ASKS:
        reader.problem(node_id, "ask", f"unknown ask '{ask}'", "one of: " + ", ".join(ASKS))
        ask = None
    select = _read_select(reader, data, node_id, node_kind, ask)
    choices = _read_choices(reader, data, node_id, node_kind, ask, select)
    return Node(
        id=node_id,
        kind=node_kind,
        situation=reader.text(data, "situation", node_id),
        prompt=reader.text(data, "prompt", node_id),
        choices=choices,
        next=reader.text(data, "next", node_id) or None,
        weight=_read_weight(reader, data, node_id),
        citations=reader.text_list(data, "citations", node_id),
        select=select,
        facts=_read_facts(reader, data, node_id),
        ask=ask,
        quote=reader.text(data, "quote", node_id) or None,
    )


def _read_select(
    reader: Reader, data: dict[str, Any], node_id: str, kind: NodeKind, ask: str | None
) -> Select:
    value = data.get("select", "one")
    if value == "one" and kind == "decision" and ask == "next_steps":
        # The engine lists many steps; a question offers some and asks which the DSL takes.
        reader.problem(node_id, "select", "ask: next_steps needs select: many")
        return "one"
    if value == "one":
        return "one"
    if value != "many":
        reader.problem(node_id, "select", f"select must be 'one' or 'many', got {value!r}")
        return "one"
    if kind == "decision" and ask is not None and ask not in SET_ASKS:
        reader.problem(
            node_id,
            "select",
            f"select: many needs a set-valued ask, not '{ask}'",
            "use ask: triggers, agencies or next_steps, or drop select",
        )
        return "one"
    if data.get("next") is None:
        reader.problem(
            node_id,
            "next",
            "a select: many node needs a node-level next",
            "the learner ticks several choices, so no single choice decides where to go",
        )
    return "many"


def _read_weight(reader: Reader, data: dict[str, Any], node_id: str) -> int | float:
    value = data.get("weight", 1)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        reader.problem(node_id, "weight", f"expected a positive number, got {value!r}")
        return 1
    return value


def _read_facts(reader: Reader, data: dict[str, Any], node_id: str) -> Facts | None:
    if "facts" not in data:
        return None
    try:
        return parse_facts(data["facts"])
    except FactsError as exc:
        field_name = "facts" if exc.field == "facts" else f"facts.{exc.field}"
        reader.problem(
            node_id,
            field_name,
            exc.message,
            "see the facts table in the decision contract",
        )
        return None


def _read_choices(
    reader: Reader,
    data: dict[str, Any],
    node_id: str,
    kind: NodeKind,
    ask: str | None,
    select: Select,
) -> tuple[Choice, ...]:
    choice_keys = KINDS[kind].choice_keys
    if choice_keys is None or "choices" not in data:
        return ()
    raw = data["choices"]
    if not isinstance(raw, list) or len(raw) < 2:
        got = f"{len(raw)}" if isinstance(raw, list) else type_name(raw)
        reader.problem(node_id, "choices", f"expected a list of at least two choices, got {got}")
        return ()
    choices: list[Choice] = []
    seen: set[str] = set()
    for index, raw_choice in enumerate(raw, start=1):
        label = f"choices[{index}]"
        item = reader.mapping(raw_choice, node_id, label)
        if item is None:
            continue
        choice_id = item.get("id")
        if isinstance(choice_id, str) and choice_id:
            label = f"choices[{choice_id}]"
            if choice_id in seen:
                reader.problem(node_id, label + ".id", f"duplicate choice id '{choice_id}'")
            seen.add(choice_id)
        required, optional = choice_keys
        reader.keys(item, node_id, label + ".", required=required, optional=optional)
        text_id = reader.text(item, "id", node_id, label + ".")
        if not text_id:
            continue
        if select == "many" and "next" in item:
            reader.problem(
                node_id,
                label + ".next",
                "choices of a select: many node cannot have next",
                "put next on the node",
            )
        choices.append(
            Choice(
                id=text_id,
                label=reader.text(item, "label", node_id, label + "."),
                feedback=reader.text(item, "feedback", node_id, label + "."),
                next=reader.text(item, "next", node_id, label + ".") or None,
                action=reader.text(item, "action", node_id, label + ".") or None,
                value=_read_value(reader, item, node_id, label, ask, select),
                correct=reader.boolean(item, "correct", node_id, label + "."),
            )
        )
    return tuple(choices)


def _read_value(
    reader: Reader, item: dict[str, Any], node_id: str, label: str, ask: str | None, select: Select
) -> ChoiceValue:
    if "value" not in item or ask is None:
        return None
    value = item["value"]
    field_name = label + ".value"
    if ask in BOOL_ASKS:
        if isinstance(value, bool):
            return value
        expected = "true or false"
    elif ask == "classification" or select == "many":
        if isinstance(value, str) and value:
            return value
        expected = "one id" if select == "many" else "text"
    elif isinstance(value, list) and all(isinstance(v, str) for v in value):
        if len(set(value)) != len(value):
            reader.problem(node_id, field_name, "the list repeats an id")
        return frozenset(value)
    else:
        expected = "a list of ids (possibly empty: [])"
    reader.problem(node_id, field_name, f"ask '{ask}' needs {expected}, got {type_name(value)}")
    return None


def _read_cases(reader: Reader, raw: Any) -> tuple[Case, ...]:
    if not isinstance(raw, list):
        reader.problem("", "cases", f"expected a list, got {type_name(raw)}")
        return ()
    cases: list[Case] = []
    for index, raw_case in enumerate(raw, start=1):
        label = f"cases[{index}]"
        item = reader.mapping(raw_case, "", label)
        if item is None:
            continue
        reader.keys(
            item,
            "",
            label + ".",
            required=("path",),
            optional=("expect_score", "expect_pass", "protocol"),
        )
        path = _read_path(reader, item.get("path"), label)
        score = item.get("expect_score")
        if score is not None and (isinstance(score, bool) or not isinstance(score, int)):
            reader.problem("", label + ".expect_score", "expected a whole percent 0-100")
            score = None
        passed = item.get("expect_pass")
        if passed is not None and not isinstance(passed, bool):
            reader.problem("", label + ".expect_pass", "expected true or false")
            passed = None
        protocol = None
        if "protocol" in item:
            try:
                protocol = parse_protocol(item["protocol"])
            except FactsError as exc:
                reader.problem("", f"{label}.{exc.field}", exc.message)
                continue
        if path is not None:
            cases.append(Case(path, score, passed, protocol))
    return tuple(cases)


def _read_path(reader: Reader, raw: Any, label: str) -> tuple[str | tuple[str, ...], ...] | None:
    if not isinstance(raw, list):
        reader.problem("", label + ".path", f"expected a list of choice ids, got {type_name(raw)}")
        return None
    path: list[str | tuple[str, ...]] = []
    for step in raw:
        if isinstance(step, str):
            path.append(step)
        elif isinstance(step, list) and all(isinstance(s, str) for s in step):
            path.append(tuple(step))
        else:
            reader.problem(
                "",
                label + ".path",
                f"step {step!r} must be a choice id or a list of ids",
                "quote ids such as 'yes' and 'no'",
            )
            return None
    return tuple(path)
