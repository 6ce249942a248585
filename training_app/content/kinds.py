"""What each quiz node kind means, in one place: its keys, its checks, its key and its verdict.

`quizfile` reads a node's keys from here, `check` runs the kind's own checks, `evaluate`
asks the kind for the right choices, the rules it tests and the verdict on an answer, and
the lesson pages ask whether the engine or the author keys it. Adding a kind is a new entry
in KINDS (docs/content-authoring.md, "Adding a question kind").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from training_app.content.guidance import quote_found, quote_sources
from training_app.content.model import Node
from training_app.content.schema import Reader
from training_app.rules import (
    ACTION_IDS,
    AGENCIES,
    ALL_TRIGGERS,
    CLASSIFICATIONS,
    NEXT_STEP_IDS,
    Decision,
    LocalProtocol,
    Reason,
    action_rule,
    decide,
    is_valid_citation,
)

Keys = tuple[tuple[str, ...], tuple[str, ...]]  # (required keys besides `kind`, optional keys)

SET_ID_PREFIX = {"triggers": "trigger", "agencies": "agency", "next_steps": "step"}
# `next_steps` asks which of the offered steps the DSL takes: the engine lists a dozen steps for
# any incident, so only the steps a question offers are its answer (and what it tests).
STEP_ASK = "next_steps"
_SET_VOCABULARY = {"triggers": ALL_TRIGGERS, "agencies": AGENCIES, "next_steps": NEXT_STEP_IDS}
_QUESTION_KEYS = ("prompt", "choices", "weight", "select", "situation", "citations", "next")


class AnswerError(ValueError):
    """An answer that does not fit the node: unknown choice, or the wrong number of choices."""


@dataclass(frozen=True)
class Explanation:
    """Why an answer is right or wrong: text, citations and a verbatim quote of the guidance."""

    rule_id: str
    text: str
    citations: tuple[str, ...]
    quote: str = ""
    heading: str = ""  # an action rule's own wording, e.g. "Don't search the device yourself."
    verdict: str = ""  # an action rule's verdict under the school's protocol: "do" or "dont"


@dataclass(frozen=True)
class Judgement:
    """A kind's verdict on an answer, before evaluate adds what every kind shares."""

    correct: frozenset[str]  # the right choice ids
    tested: tuple[str, ...]  # the rule ids the question tests
    explanations: tuple[Explanation, ...]
    missed: tuple[str, ...]  # the rule ids missed, should the answer be wrong


@dataclass(frozen=True)
class Kind:
    """One node kind: how it is written, checked and judged."""

    name: str
    node_keys: Keys
    choice_keys: Keys | None  # None: not a question (nothing to choose)
    engine_keyed: bool  # the rules engine, not the author, decides the right choices
    check: Callable[[Reader, Node], bool]  # report its problems; False: cannot key it
    key: Callable[[Node, LocalProtocol], frozenset[str]]
    rule_ids: Callable[[Node, LocalProtocol], tuple[str, ...]]
    judge: Callable[[Node, tuple[str, ...], LocalProtocol], Judgement]


def unique(items: Iterable[str]) -> tuple[str, ...]:
    """The items in order, each once."""
    return tuple(dict.fromkeys(items))


def _from_reason(rule_id: str, reason: Reason) -> Explanation:
    return Explanation(rule_id, reason.text, tuple(reason.citations), reason.quote)


# Action questions: which of these would you do? The engine's do/don't rules key them.


def _action_rules(node: Node, protocol: LocalProtocol) -> dict[str, Explanation]:
    """Each choice's action rule under this protocol."""
    why: dict[str, Explanation] = {}
    for choice in node.choices:
        rule = action_rule(choice.action or "", protocol)
        why[choice.id] = Explanation(
            f"action:{rule.id}", rule.why, rule.citations, rule.quote, rule.text, rule.verdict
        )
    return why


def _action_key(node: Node, protocol: LocalProtocol) -> frozenset[str]:
    return frozenset(c for c, e in _action_rules(node, protocol).items() if e.verdict == "do")


def _action_rule_ids(node: Node, protocol: LocalProtocol) -> tuple[str, ...]:
    return unique(f"action:{c.action}" for c in node.choices)


def _action_check(found: Reader, node: Node) -> bool:
    for choice in node.choices:
        if choice.action not in ACTION_IDS:
            hint = "known: " + ", ".join(ACTION_IDS)
            message = f"unknown action id '{choice.action}'"
            found.problem(node.id, f"choices[{choice.id}].action", message, hint)
    return True


def _action_judge(node: Node, selected: tuple[str, ...], protocol: LocalProtocol) -> Judgement:
    why = _action_rules(node, protocol)
    correct = frozenset(c for c, e in why.items() if e.verdict == "do")
    # The learner's own picks first, then what they should have picked.
    order = unique([*selected, *(c for c in node.choice_ids() if c in correct)])
    misjudged = set(selected) ^ correct
    return Judgement(
        correct=correct,
        tested=unique(e.rule_id for e in why.values()),
        explanations=tuple(why[c] for c in order),
        missed=unique(why[c].rule_id for c in node.choice_ids() if c in misjudged),
    )


# Decision questions: one field of the engine's decision on the node's incident facts.


def decide_node(node: Node, protocol: LocalProtocol) -> tuple[str, Decision]:
    """The asked field and the engine's decision on the node's facts under this protocol."""
    if node.facts is None or node.ask is None:
        raise AnswerError(f"decision node '{node.id}' has no valid facts or ask")
    return node.ask, decide(node.facts, protocol)


def decision_answer(ask: str, decision: Decision, node: Node | None = None) -> Any:
    """The engine's answer to `ask`: a value, or a set of ids (only offered steps for steps)."""
    if ask == STEP_ASK:
        offered = {c.value for c in node.choices} if node is not None else None
        return frozenset(
            step.id for step in decision.actions if offered is None or step.id in offered
        )
    answer = getattr(decision, ask)
    return frozenset(answer) if ask in SET_ID_PREFIX else answer


def _decision_details(ask: str, decision: Decision, node: Node | None = None) -> list[str]:
    """The triggers, agencies or offered steps behind the asked field: they are tested too."""
    if ask in ("refer_immediately", "triggers"):
        return [f"trigger:{t}" for t in decision.triggers]
    if ask == "agencies":
        return [f"agency:{a}" for a in decision.agencies]
    if ask == STEP_ASK:
        return [f"step:{s}" for s in sorted(decision_answer(ask, decision, node))]
    return []


def _detail_explanation(detail: str, decision: Decision) -> Explanation:
    """A trigger's or agency's reason, or a step's own text and citations."""
    if detail.startswith("step:"):
        step = next(s for s in decision.actions if f"step:{s.id}" == detail)
        return Explanation(detail, step.text, step.citations)
    return _from_reason(detail, decision.reasons[detail])


def _decision_correct(node: Node, answer: Any) -> frozenset[str]:
    if node.select == "many":
        return frozenset(c.id for c in node.choices if c.value in answer)
    return frozenset(c.id for c in node.choices if c.value == answer)


def _decision_key(node: Node, protocol: LocalProtocol) -> frozenset[str]:
    ask, decision = decide_node(node, protocol)
    return _decision_correct(node, decision_answer(ask, decision, node))


def _decision_rule_ids(node: Node, protocol: LocalProtocol) -> tuple[str, ...]:
    ask, decision = decide_node(node, protocol)
    return (f"decision:{ask}", *_decision_details(ask, decision, node))


def _value_problem(node: Node, value: object) -> str:
    if value is None:
        return ""  # reported while loading
    if node.ask == "classification" and value not in CLASSIFICATIONS:
        return f"unknown classification {value!r}; one of: " + ", ".join(CLASSIFICATIONS)
    vocabulary = _SET_VOCABULARY.get(node.ask or "")
    if vocabulary is None:
        return ""
    items = {value} if isinstance(value, str) else value
    assert isinstance(items, set | frozenset)  # the loader admits nothing else for these asks
    unknown = sorted(str(i) for i in items if i not in vocabulary)
    if unknown:
        return f"unknown {node.ask} id(s) {', '.join(unknown)}; known: " + ", ".join(vocabulary)
    return ""


def _decision_check(found: Reader, node: Node) -> bool:
    for choice in node.choices:
        message = _value_problem(node, choice.value)
        if message:
            found.problem(node.id, f"choices[{choice.id}].value", message)
    return node.facts is not None and node.ask is not None


def _decision_missed(
    node: Node, selected: tuple[str, ...], answer: Any, tested: tuple[str, ...]
) -> tuple[str, ...]:
    """For set-valued asks, only the ids the learner got wrong; otherwise everything tested."""
    prefix = SET_ID_PREFIX.get(node.ask or "")
    if prefix is None:
        return tested
    if node.select == "many":
        chosen = {str(node.choice(c).value) for c in selected}
    else:
        value = node.choice(selected[0]).value
        chosen = set(value) if isinstance(value, frozenset) else set()
    return (tested[0], *(f"{prefix}:{i}" for i in sorted(chosen ^ answer)))


def _decision_judge(node: Node, selected: tuple[str, ...], protocol: LocalProtocol) -> Judgement:
    ask, decision = decide_node(node, protocol)
    answer = decision_answer(ask, decision, node)
    details = _decision_details(ask, decision, node)
    tested = (f"decision:{ask}", *details)
    # "triggers" and "next_steps" have no reason of their own: the referral reason is the
    # context, and each trigger, agency or step brings its own.
    main = decision.reasons["refer_immediately" if ask in ("triggers", STEP_ASK) else ask]
    return Judgement(
        correct=_decision_correct(node, answer),
        tested=tested,
        explanations=(
            _from_reason(tested[0], main),
            *(_detail_explanation(d, decision) for d in details),
        ),
        missed=_decision_missed(node, selected, answer, tested),
    )


# Knowledge questions (and info beats): the author marks the right choices and cites the guidance.


def _authored_key(node: Node, protocol: LocalProtocol) -> frozenset[str]:
    return frozenset(c.id for c in node.choices if c.correct)


def _cited_rule_ids(node: Node, protocol: LocalProtocol) -> tuple[str, ...]:
    return tuple(f"guidance:{c}" for c in node.citations)


def _knowledge_check(found: Reader, node: Node) -> bool:
    if not node.citations:
        found.problem(node.id, "citations", "a knowledge question needs at least one citation")
    # A missing quote, or only unknown citations, were reported already: nothing to look in.
    if node.quote is None or not any(is_valid_citation(c) for c in node.citations):
        return True
    if not quote_found(node.quote, node.citations):
        where = quote_sources(node.quote)
        hint = f"it is in {', '.join(where)}: cite that" if where else "copy it exactly"
        found.problem(node.id, "quote", "the quote is not in the cited section(s)", hint)
    return True


def _knowledge_judge(node: Node, selected: tuple[str, ...], protocol: LocalProtocol) -> Judgement:
    tested = _cited_rule_ids(node, protocol)
    first = tested[0] if tested else ""
    return Judgement(
        correct=_authored_key(node, protocol),
        tested=tested,
        explanations=(Explanation(first, "", node.citations, node.quote or ""),),
        missed=tested,
    )


def _info_check(found: Reader, node: Node) -> bool:
    return True  # a story beat: its situation and citations are checked for every node


def _not_a_question(node: Node, selected: tuple[str, ...], protocol: LocalProtocol) -> Judgement:
    raise AnswerError(f"node '{node.id}' is not a question")


KINDS: dict[str, Kind] = {
    kind.name: kind
    for kind in (
        Kind(
            "action",
            node_keys=(("prompt", "choices"), _QUESTION_KEYS),
            choice_keys=(("id", "label", "action"), ("feedback", "next")),
            engine_keyed=True,
            check=_action_check,
            key=_action_key,
            rule_ids=_action_rule_ids,
            judge=_action_judge,
        ),
        Kind(
            "decision",
            node_keys=(("prompt", "choices", "facts", "ask"), _QUESTION_KEYS),
            choice_keys=(("id", "label", "value"), ("feedback", "next")),
            engine_keyed=True,
            check=_decision_check,
            key=_decision_key,
            rule_ids=_decision_rule_ids,
            judge=_decision_judge,
        ),
        Kind(
            "knowledge",
            node_keys=(("prompt", "choices", "citations", "quote"), _QUESTION_KEYS),
            choice_keys=(("id", "label"), ("feedback", "next", "correct")),
            engine_keyed=False,
            check=_knowledge_check,
            key=_authored_key,
            rule_ids=_cited_rule_ids,
            judge=_knowledge_judge,
        ),
        Kind(
            "info",
            node_keys=(("situation", "next"), ("citations",)),
            choice_keys=None,
            engine_keyed=False,
            check=_info_check,
            key=_authored_key,
            rule_ids=_cited_rule_ids,
            judge=_not_a_question,
        ),
    )
}
