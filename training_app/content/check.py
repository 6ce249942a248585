"""The content checker: every problem in the library, each with file, node, field and hint."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import product

from training_app.content.coverage import check_teaches
from training_app.content.evaluate import AnswerError, correct_choice_ids, follow_path, score
from training_app.content.graph import check_graph
from training_app.content.kinds import KINDS
from training_app.content.model import END, Library, Node, Problem, Quiz
from training_app.content.quotes import check_quotes
from training_app.content.render import CALLOUTS, references
from training_app.content.schema import Reader
from training_app.content.tokens import TOKEN_NAMES
from training_app.rules import (
    DEFAULT_PROTOCOL,
    LocalProtocol,
    decide,
    is_valid_citation,
)
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    EDITION_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    UNDER_13_REFERRAL_CHOICES,
    VIEWING_RULE_CHOICES,
)

# Every school protocol a learner might be under. The device-power actions, the police
# threshold, the guidance edition and the under-13 option change the answer key, so a
# question must work (one right answer, not all right) for every school, not just the
# default one.
_PROTOCOL_CHOICES = {
    "device_power": DEVICE_POWER_CHOICES,
    "viewing_rule": VIEWING_RULE_CHOICES,
    "police_threshold": POLICE_THRESHOLD_CHOICES,
    "edition": EDITION_CHOICES,
    "under_13_referral": UNDER_13_REFERRAL_CHOICES,
}
PROTOCOLS: tuple[LocalProtocol, ...] = tuple(
    LocalProtocol(**dict(zip(_PROTOCOL_CHOICES, values, strict=True)))
    for values in product(*_PROTOCOL_CHOICES.values())
)
# Coverage ("is every rule taught and tested?") is measured under the default edition and
# under-13 option: the group policy's own criteria (vulnerable pupil, malicious sharing) are
# not criteria under the 2024 advice, so a question cannot test them there.
COVERAGE_PROTOCOLS: tuple[LocalProtocol, ...] = tuple(
    p
    for p in PROTOCOLS
    if p.edition == DEFAULT_PROTOCOL.edition
    and p.under_13_referral == DEFAULT_PROTOCOL.under_13_referral
)
_CITE_HINT = "cite as in the guidance README, e.g. UKCCIS-2016 §3.3 or APPX8 Step 3"


def check(library: Library) -> list[Problem]:
    """Return every problem in the library (loading, pages, quizzes, answer keys, cases)."""
    problems = list(library.problems)
    for module in library.modules.values():
        for page in module.pages:
            found = Reader(page.file)
            _citations(found, "", "citations", page.citations)
            _markdown(found, "", "body", page.body)
            check_teaches(found, page)
            problems += found.problems
    broken = {problem.file for problem in library.problems}
    for quiz in library.quizzes.values():
        problems += _check_quiz(quiz, replay_cases=quiz.file not in broken)
    return problems


def _citations(found: Reader, node: str, field: str, citations: Iterable[str]) -> None:
    for citation in citations:
        if not is_valid_citation(citation):
            found.problem(node, field, f"unknown citation '{citation}'", _CITE_HINT)


def _markdown(found: Reader, node: str, field: str, text: str) -> None:
    refs = references(text)
    _citations(found, node, field, refs.citations)
    for token in refs.tokens:
        if token not in TOKEN_NAMES:
            hint = "known: " + ", ".join(TOKEN_NAMES)
            found.problem(node, field, f"unknown token '{{{{{token}}}}}'", hint)
    for name in refs.containers:
        if name not in CALLOUTS:
            found.problem(
                node, field, f"unknown callout '::: {name}'", "known: " + ", ".join(CALLOUTS)
            )
    for heading in refs.top_headings:
        found.problem(
            node,
            field,
            f"level-1 heading '# {heading}': the page title is the page's only top heading",
            "remove it (the title comes from the front matter) or use ## for a section",
        )
    check_quotes(found, node, field, text)


def _check_quiz(quiz: Quiz, replay_cases: bool) -> list[Problem]:
    found = Reader(quiz.file, check_graph(quiz))
    if quiz.nodes and not quiz.questions:
        found.problem("", "nodes", "the quiz asks no questions")
    for node in quiz.nodes.values():
        _check_node(found, node)
    # Replaying cases needs a sound quiz; on a broken one it would only add noise.
    if replay_cases and not found.problems:
        _check_cases(found, quiz)
    return found.problems


def _check_node(found: Reader, node: Node) -> None:
    _citations(found, node.id, "citations", node.citations)
    _markdown(found, node.id, "situation", node.situation)
    for choice in node.choices:
        _markdown(found, node.id, f"choices[{choice.id}].feedback", choice.feedback)
    before = len(found.problems)
    bound = KINDS[node.kind].check(found, node)
    sound = bound and len(found.problems) == before
    if node.is_question and sound and len(node.choices) >= 2:
        _answer_key(found, node)


def _answer_key(found: Reader, node: Node) -> None:
    """The engine (or the author) must make some but not all choices right, for every school."""
    # An authored key does not depend on the school; the engine's may.
    engine = KINDS[node.kind].engine_keyed
    none: list[LocalProtocol] = []
    every: list[LocalProtocol] = []
    unoffered: dict[str, list[LocalProtocol]] = {}
    offered = {choice.value for choice in node.choices}
    for protocol in PROTOCOLS if engine else (DEFAULT_PROTOCOL,):
        correct = correct_choice_ids(node, protocol)
        if not correct:
            none.append(protocol)
        elif len(correct) == len(node.choices):
            every.append(protocol)
        # A next_steps question offers some of the steps, not the engine's whole list.
        ask = node.ask if node.ask != "next_steps" else None
        if node.select == "many" and node.facts and ask:  # facts: a decision question
            for item in getattr(decide(node.facts, protocol), ask):
                if item not in offered:
                    unoffered.setdefault(item, []).append(protocol)
    if none:
        message = "no choice is correct" + (_where(none) if engine else "")
        hint = "offer the engine's answer as a choice" if engine else "mark one correct: true"
        found.problem(node.id, "choices", message, hint)
    if every:
        message = "every choice is correct" + (_where(every) if engine else "")
        found.problem(node.id, "choices", message, "add a wrong choice")
    for item, failing in unoffered.items():
        message = f"the engine's answer includes '{item}', which no choice offers"
        found.problem(node.id, "choices", message + _where(failing), f"add a choice: {item}")


def _where(failing: list[LocalProtocol]) -> str:
    """Say briefly which school protocols a problem happens under."""
    if len(failing) == len(PROTOCOLS):
        return " (under every school protocol)"
    parts: list[str] = []
    combinations = 1
    for name, choices in _PROTOCOL_CHOICES.items():
        values = sorted({getattr(p, name) for p in failing})
        combinations *= len(values)
        if len(values) != len(choices):
            parts.append(f"{name}={'/'.join(values)}")
    if combinations == len(failing):
        return " (when the school's protocol has " + ", ".join(parts) + ")"
    listed = "; ".join(
        ", ".join(f"{name}={getattr(p, name)}" for name in _PROTOCOL_CHOICES) for p in failing
    )
    return f" (under: {listed})"


def _check_cases(found: Reader, quiz: Quiz) -> None:
    for index, case in enumerate(quiz.cases, start=1):
        field = f"cases[{index}]"
        try:
            answers, stop = follow_path(quiz, case.path)
        except AnswerError as exc:
            found.problem("", field + ".path", str(exc))
            continue
        if stop != END:
            found.problem(stop, field + ".path", f"the path stops at '{stop}' before the end")
            continue
        result = score(quiz, answers, case.protocol or DEFAULT_PROTOCOL)
        if case.expect_score is not None and result.percent != case.expect_score:
            message = f"expected {case.expect_score}%, scored {result.percent}%"
            found.problem("", field + ".expect_score", message)
        if case.expect_pass is not None and result.passed != case.expect_pass:
            message = f"expected passed={case.expect_pass}, got {result.passed}"
            found.problem("", field + ".expect_pass", message)
