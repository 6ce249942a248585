"""Answer evaluation and scoring; each node kind's own key and verdict are in kinds.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from training_app.content.graph import next_node_id
from training_app.content.kinds import KINDS, AnswerError, Explanation, unique
from training_app.content.model import END, Node, Quiz
from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol


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


def correct_choice_ids(node: Node, protocol: LocalProtocol = DEFAULT_PROTOCOL) -> tuple[str, ...]:
    """The choices that are right at this node under this school's protocol."""
    correct = KINDS[node.kind].key(node, protocol)
    return tuple(c for c in node.choice_ids() if c in correct)


def rule_ids(node: Node, protocol: LocalProtocol = DEFAULT_PROTOCOL) -> tuple[str, ...]:
    """The engine rules, decision fields or guidance sections a question tests."""
    return KINDS[node.kind].rule_ids(node, protocol)


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
    judged = KINDS[node.kind].judge(node, selected, protocol)
    correct = judged.correct
    # Ticking several must match the key exactly; a single pick must be one of the right ones.
    right = set(selected) == correct if node.select == "many" else selected[0] in correct
    return Evaluation(
        correct=right,
        selected_choice_ids=selected,
        correct_choice_ids=tuple(c for c in node.choice_ids() if c in correct),
        explanations=judged.explanations,
        feedback=tuple(node.choice(c).feedback for c in selected if node.choice(c).feedback),
        rule_ids=judged.tested,
        missed_rule_ids=() if right else judged.missed,
    )


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
    return Score(percent, answered > 0 and percent >= quiz.pass_mark, unique(missed))


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
