"""Typed, immutable content objects: modules, pages, quizzes, nodes and choices."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

from training_app.rules import Facts, LocalProtocol

NodeKind = Literal["action", "decision", "knowledge", "info"]
NODE_KINDS: tuple[NodeKind, ...] = ("action", "decision", "knowledge", "info")
Select = Literal["one", "many"]
END = "end"

# A choice's `value` on a decision node: a boolean, a string (classification) or a
# set of trigger/agency ids; with `select: many` a single id.
ChoiceValue = bool | str | frozenset[str] | None

# training_app.roles.MODULE_AUDIENCES: every role's key, then pupils. Content sits below the
# core helpers, so it cannot import them; tests/test_roles.py checks the two agree.
AUDIENCES = ("staff", "dsl", "school_admin", "trust_admin", "pupil")
AGE_BANDS = ("11-14", "14-18")


def frozen_mapping(data: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return a read-only view of a copy of `data` (shared safely between requests)."""
    return MappingProxyType(dict(data))


@dataclass(frozen=True)
class Problem:
    """One content error, located by file, quiz node and field, with a hint to fix it."""

    file: str
    node: str
    field: str
    message: str
    hint: str = ""

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.file}:{self.node}:{self.field}: {self.message}{hint}"


@dataclass(frozen=True)
class Choice:
    """One answer a learner can pick at a node."""

    id: str
    label: str
    feedback: str = ""
    next: str | None = None
    action: str | None = None
    value: ChoiceValue = None
    correct: bool = False


@dataclass(frozen=True)
class Node:
    """One step of a quiz: a question (action, decision, knowledge) or a story beat (info)."""

    id: str
    kind: NodeKind
    situation: str = ""
    prompt: str = ""
    choices: tuple[Choice, ...] = ()
    next: str | None = None
    weight: int | float = 1
    citations: tuple[str, ...] = ()
    select: Select = "one"
    facts: Facts | None = None
    ask: str | None = None
    quote: str | None = None

    @property
    def is_question(self) -> bool:
        """Whether the learner answers this node (everything but `info`)."""
        return self.kind != "info"

    def choice(self, choice_id: str) -> Choice:
        """Return the choice with this id; KeyError if there is none."""
        for choice in self.choices:
            if choice.id == choice_id:
                return choice
        raise KeyError(choice_id)

    def choice_ids(self) -> tuple[str, ...]:
        """The ids of this node's choices, in authored order."""
        return tuple(choice.id for choice in self.choices)


@dataclass(frozen=True)
class Case:
    """An expected outcome the checker replays: a path of answers and its score."""

    path: tuple[str | tuple[str, ...], ...]
    expect_score: int | None = None
    expect_pass: bool | None = None
    protocol: LocalProtocol | None = None  # None: the default protocol


@dataclass(frozen=True)
class Quiz:
    """A module's branching quiz."""

    module: str
    title: str
    pass_mark: int
    start: str
    nodes: Mapping[str, Node]
    file: str
    cases: tuple[Case, ...] = ()

    @property
    def questions(self) -> tuple[Node, ...]:
        """The nodes a learner answers, in authored order."""
        return tuple(node for node in self.nodes.values() if node.is_question)


@dataclass(frozen=True)
class Page:
    """One page of a module's scenario: Markdown with front matter."""

    slug: str
    title: str
    body: str
    file: str
    citations: tuple[str, ...] = ()
    order: int = 0
    teaches: tuple[str, ...] = ()  # rule and field ids, e.g. trigger:adult_involved (coverage.py)


@dataclass(frozen=True)
class Module:
    """A training module: metadata from index.md, its pages, and its quiz if it has one."""

    id: str
    title: str
    audiences: tuple[str, ...]
    estimated_minutes: int
    version: str
    outcomes: tuple[str, ...]
    citations: tuple[str, ...]
    pages: tuple[Page, ...]
    content_version: str
    age_band: str | None = None
    quiz: Quiz | None = None


@dataclass(frozen=True)
class Library:
    """Everything loaded from the content folders, plus the problems found while loading."""

    modules: Mapping[str, Module] = field(default_factory=lambda: frozen_mapping({}))
    quizzes: Mapping[str, Quiz] = field(default_factory=lambda: frozen_mapping({}))
    problems: tuple[Problem, ...] = ()

    def module(self, module_id: str) -> Module:
        """Return the module with this id; KeyError if there is none."""
        return self.modules[module_id]
