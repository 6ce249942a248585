"""The node-kind registry: one entry per kind the schema allows, each complete."""

from __future__ import annotations

import pytest

from training_app.content.evaluate import AnswerError, evaluate
from training_app.content.kinds import KINDS
from training_app.content.model import NODE_KINDS, Choice, Node


def test_every_kind_the_schema_names_is_registered() -> None:
    assert tuple(KINDS) == NODE_KINDS
    assert all(name == kind.name for name, kind in KINDS.items())


def test_only_the_story_beat_has_nothing_to_choose() -> None:
    assert [k.name for k in KINDS.values() if k.choice_keys is None] == ["info"]
    for kind in KINDS.values():
        required, _ = kind.node_keys
        if kind.choice_keys is not None:  # a question: something to ask and to choose from
            assert {"prompt", "choices"} <= set(required)
            assert {"id", "label"} <= set(kind.choice_keys[0])


def test_an_info_node_cannot_be_judged() -> None:
    beat = Node("beat", "info", situation="Later that day.", next="end")
    with pytest.raises(AnswerError, match="not a question"):
        evaluate(beat, ["a"])


def test_a_knowledge_question_is_keyed_by_its_author() -> None:
    node = Node(
        "k1",
        "knowledge",
        prompt="Who?",
        choices=(Choice("a", "A", correct=True), Choice("b", "B")),
        citations=("UKCCIS-2016 §3.3",),
        quote="x",
    )
    assert not KINDS["knowledge"].engine_keyed
    assert evaluate(node, ["a"]).correct and not evaluate(node, ["b"]).correct
    assert evaluate(node, ["b"]).missed_rule_ids == ("guidance:UKCCIS-2016 §3.3",)
