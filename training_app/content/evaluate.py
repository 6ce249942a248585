"""Answer evaluation and scoring: the engine decides action and decision questions."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from training_app.content.graph import next_node_id
from training_app.content.model import END, Node, Quiz
from training_app.rules import (
    DEFAULT_PROTOCOL,
    Decision,
    LocalProtocol,
    Reason,
    action_rule,
    decide,
)

SET_ID_PREFIX = {"triggers": "trigger", "agencies": "agency", "next_steps": "step"}
# `next_steps` asks which of the offered steps the DSL takes: the engine lists a dozen steps for
# any incident, so only the steps a question offers are its answer (and what it tests).
STEP_ASK = "next_steps"


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
class Evaluation:
    """The verdict on one answer, with the reasons and the rules it tested."""

    correct: bool
    selected_choice_ids: tuple[str, ...]
    correct_choice_ids: tuple[str, ...]
    explanations: tuple[Explanation, ...]
    feedback: tuple[str, ...]
    rule_ids: tuple[str, ...]
    missed_rule_ids: tuple[str, ...]

    @property
    def explanation(self) -> Explanation | None:
        """The most relevant explanation: about the learner's own choice where there is one."""
        return self.explanations[0] if self.explanations else None


@dataclass(frozen=True)
class Score:
    """A quiz attempt's result: percent of answered weight correct, pass/fail, rules missed."""

    percent: int
    passed: bool
    missed_rule_ids: tuple[str, ...]


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def _from_reason(rule_id: str, reason: Reason) -> Explanation:
    return Explanation(rule_id, reason.text, tuple(reason.citations), reason.quote)


def _action_key(
    node: Node, protocol: LocalProtocol
) -> tuple[frozenset[str], dict[str, Explanation]]:
    """The choices whose action is a do under this protocol, and each choice's rule."""
    why: dict[str, Explanation] = {}
    for choice in node.choices:
        rule = action_rule(choice.action or "", protocol)
        why[choice.id] = Explanation(
            f"action:{rule.id}", rule.why, rule.citations, rule.quote, rule.text, rule.verdict
        )
    return frozenset(c for c, e in why.items() if e.verdict == "do"), why


def _decide(node: Node, protocol: LocalProtocol) -> tuple[str, Decision]:
    if node.facts is None or node.ask is None:
        raise AnswerError(f"decision node '{node.id}' has no valid facts or ask")
    return node.ask, decide(node.facts, protocol)


def _decision_answer(ask: str, decision: Decision, node: Node | None = None) -> Any:
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
        return [f"step:{s}" for s in sorted(_decision_answer(ask, decision, node))]
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


def correct_choice_ids(node: Node, protocol: LocalProtocol = DEFAULT_PROTOCOL) -> tuple[str, ...]:
    """The choices that are right at this node under this school's protocol."""
    if node.kind == "action":
        correct = _action_key(node, protocol)[0]
    elif node.kind == "decision":
        ask, decision = _decide(node, protocol)
        correct = _decision_correct(node, _decision_answer(ask, decision, node))
    else:
        correct = frozenset(c.id for c in node.choices if c.correct)
    return tuple(c for c in node.choice_ids() if c in correct)


def rule_ids(node: Node, protocol: LocalProtocol = DEFAULT_PROTOCOL) -> tuple[str, ...]:
    """The engine rules, decision fields or guidance sections a question tests."""
    if node.kind == "action":
        return _unique(f"action:{c.action}" for c in node.choices)
    if node.kind == "decision":
        ask, decision = _decide(node, protocol)
        return (f"decision:{ask}", *_decision_details(ask, decision, node))
    return tuple(f"guidance:{c}" for c in node.citations)


def _check_selection(node: Node, selected: tuple[str, ...]) -> None:
    if not node.is_question:
        raise AnswerError(f"node '{node.id}' is not a question")
    known = set(node.choice_ids())
    unknown = [s for s in selected if s not in known]
    if unknown:
        raise AnswerError(f"node '{node.id}' has no choice {unknown[0]!r}")
    if len(set(selected)) != len(selected):
        raise AnswerError(f"node '{node.id}': a choice was selected twice")
    if node.select == "one" and len(selected) != 1:
        raise AnswerError(f"node '{node.id}' takes exactly one choice")


# Judged answers, by (node, selection, protocol). The engine is pure and a quiz has few
# distinct answers, so each is worked out once per process: a finished quiz is scored by
# re-judging every answer on its path, which was most of the final answer's time
# (bench/README.md). Keyed by the node's id() with the node kept beside the verdict, so a
# reloaded library (a new node at a reused address) can never be served an old verdict.
# A plain dict emptied when full, as core's BoundedMemo does: content sits below core.
_JUDGED: dict[tuple[int, tuple[str, ...], LocalProtocol], tuple[Node, Evaluation]] = {}
_JUDGED_LIMIT = 4096


def evaluate(
    node: Node, selected_choice_ids: Sequence[str], protocol: LocalProtocol = DEFAULT_PROTOCOL
) -> Evaluation:
    """Judge one answer at a question node; AnswerError if it does not fit the node."""
    selected = tuple(selected_choice_ids)
    key = (id(node), selected, protocol)
    found = _JUDGED.get(key)
    if found is not None and found[0] is node:
        return found[1]
    result = _judge(node, selected, protocol)
    if len(_JUDGED) >= _JUDGED_LIMIT:
        _JUDGED.clear()
    _JUDGED[key] = (node, result)
    return result


def _judge(node: Node, selected: tuple[str, ...], protocol: LocalProtocol) -> Evaluation:
    _check_selection(node, selected)
    if node.kind == "action":
        correct, why = _action_key(node, protocol)
        tested = _unique(e.rule_id for e in why.values())
        # The learner's own picks first, then what they should have picked.
        order = _unique([*selected, *(c for c in node.choice_ids() if c in correct)])
        explanations = tuple(why[c] for c in order)
        misjudged = set(selected) ^ correct
        missed = _unique(why[c].rule_id for c in node.choice_ids() if c in misjudged)
    elif node.kind == "decision":
        ask, decision = _decide(node, protocol)
        answer = _decision_answer(ask, decision, node)
        correct = _decision_correct(node, answer)
        details = _decision_details(ask, decision, node)
        tested = (f"decision:{ask}", *details)
        # "triggers" and "next_steps" have no reason of their own: the referral reason is the
        # context, and each trigger, agency or step brings its own.
        main = decision.reasons["refer_immediately" if ask in ("triggers", STEP_ASK) else ask]
        explanations = (
            _from_reason(tested[0], main),
            *(_detail_explanation(d, decision) for d in details),
        )
        missed = _decision_missed(node, selected, answer, tested)
    else:
        correct = frozenset(c.id for c in node.choices if c.correct)
        tested = rule_ids(node, protocol)
        explanations = (Explanation(_first(tested), "", node.citations, node.quote or ""),)
        missed = tested
    # Ticking several must match the key exactly; a single pick must be one of the right ones.
    right = set(selected) == correct if node.select == "many" else selected[0] in correct
    return Evaluation(
        correct=right,
        selected_choice_ids=selected,
        correct_choice_ids=tuple(c for c in node.choice_ids() if c in correct),
        explanations=explanations,
        feedback=tuple(node.choice(c).feedback for c in selected if node.choice(c).feedback),
        rule_ids=tested,
        missed_rule_ids=() if right else missed,
    )


def _first(items: tuple[str, ...]) -> str:
    return items[0] if items else ""


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


Answers = Mapping[str, Sequence[str]] | Iterable[tuple[str, Sequence[str]]]


def score(quiz: Quiz, answers: Answers, protocol: LocalProtocol = DEFAULT_PROTOCOL) -> Score:
    """Score the answers given on the path taken: (node id, selected choice ids) pairs."""
    pairs = answers.items() if isinstance(answers, Mapping) else answers
    correct = answered = Fraction(0)
    missed: list[str] = []
    for node_id, selected in pairs:
        if node_id not in quiz.nodes:
            raise AnswerError(f"quiz '{quiz.module}' has no node '{node_id}'")
        node = quiz.nodes[node_id]
        result = evaluate(node, selected, protocol)
        weight = Fraction(node.weight)
        answered += weight
        if result.correct:
            correct += weight
        missed.extend(result.missed_rule_ids)
    # Floor, not round: with a whole-number pass mark, percent >= pass_mark is then exactly
    # "correct / answered >= pass_mark / 100", so 79.6% never shows as a pass.
    percent = int(correct * 100 / answered) if answered else 0
    return Score(percent, answered > 0 and percent >= quiz.pass_mark, _unique(missed))


def follow_path(
    quiz: Quiz, path: Sequence[str | Sequence[str]]
) -> tuple[list[tuple[str, tuple[str, ...]]], str]:
    """Walk a quiz from its start, answering question nodes in turn from `path`.

    Info nodes are passed through. Returns the (node id, choice ids) answers and where the walk
    stopped: `end`, or the id of the node waiting for an answer. AnswerError on a bad step.
    """
    answers: list[tuple[str, tuple[str, ...]]] = []
    steps = list(path)
    current = quiz.start
    seen_info: set[str] = set()
    while current != END and current in quiz.nodes:
        node = quiz.nodes[current]
        if not node.is_question:
            if current in seen_info:
                raise AnswerError(f"info node '{current}' loops back to itself")
            seen_info.add(current)
            current = node.next or END
            continue
        seen_info.clear()
        if not steps:
            return answers, current
        step = steps.pop(0)
        selected = (step,) if isinstance(step, str) else tuple(step)
        _check_selection(node, selected)
        answers.append((current, selected))
        current = next_node_id(node, selected)
    if current != END:
        raise AnswerError(f"next '{current}' is not a node")
    if steps:
        raise AnswerError(f"the path reaches end with {len(steps)} answer(s) left over")
    return answers, END
