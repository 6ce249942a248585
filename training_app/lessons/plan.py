"""A pupil module as a class lesson: the steps the teacher moves through, and answer totals.

Pure (no Flask, no database): a lesson is the module's pages, then its quiz's questions in
order, between a welcome (the content note, with index.md's own introduction) and a closing
step (where to get help). A class
answers together, so the quiz's branches are not followed: the steps are the quiz's main
line (each node's default `next` from the start), then any question only a branch reaches.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from training_app.content.model import END, Module, Node, Page

StepKind = Literal["welcome", "page", "story", "question", "close"]

WELCOME_TITLE = "Before we start"
CLOSE_TITLE = "Where to get help"


@dataclass(frozen=True)
class Step:
    """One screen of the lesson, shown on the classroom screen and every pupil's device."""

    kind: StepKind
    key: str
    title: str
    page: Page | None = None
    node: Node | None = None

    @property
    def is_question(self) -> bool:
        """Whether pupils answer at this step."""
        return self.kind == "question"


def is_lesson(module: Module) -> bool:
    """Whether a module is a pupil lesson, run in class rather than taken in the player."""
    return "pupil" in module.audiences


def age_band_label(age_band: str | None) -> str:
    """The age band in words: '11-14' becomes 'Ages 11 to 14'."""
    if not age_band or "-" not in age_band:
        return "All ages"
    low, _, high = age_band.partition("-")
    return f"Ages {low} to {high}"


def _quiz_nodes(module: Module) -> list[Node]:
    """The quiz's main line from its start, then questions that only a branch reaches."""
    if module.quiz is None:
        return []
    nodes = module.quiz.nodes
    ordered: list[Node] = []
    seen: set[str] = set()
    current: str | None = module.quiz.start
    while current and current != END and current in nodes and current not in seen:
        seen.add(current)
        ordered.append(nodes[current])
        current = nodes[current].next
    ordered.extend(n for n in nodes.values() if n.id not in seen and n.is_question)
    return ordered


def lesson_steps(module: Module) -> tuple[Step, ...]:
    """Every step of the lesson, in the order the teacher moves through them."""
    pages = list(module.pages)
    # index.md's body is the lesson's own introduction (its content note): the welcome step.
    intro = pages.pop(0) if pages and pages[0].slug == "index" else None
    steps = [Step("welcome", "welcome", WELCOME_TITLE, page=intro)]
    steps.extend(Step("page", f"page:{p.slug}", p.title, page=p) for p in pages)
    for node in _quiz_nodes(module):
        if node.is_question:
            steps.append(Step("question", f"node:{node.id}", node.prompt, node=node))
        else:
            title = node.prompt or "What happens next"
            steps.append(Step("story", f"node:{node.id}", title, node=node))
    steps.append(Step("close", "close", CLOSE_TITLE))
    return tuple(steps)


def question_number(steps: Sequence[Step], position: int) -> tuple[int, int]:
    """The question at `position` as (number, total), e.g. (2, 5); (0, total) if not one."""
    questions = [i for i, s in enumerate(steps) if s.is_question]
    number = questions.index(position) + 1 if position in questions else 0
    return number, len(questions)


@dataclass(frozen=True)
class Tally:
    """How many answered a question, and how many chose each of its choices."""

    respondents: int
    counts: tuple[tuple[str, int], ...]  # (choice id, count) in the question's order

    def count(self, choice_id: str) -> int:
        """How many chose this choice."""
        return dict(self.counts).get(choice_id, 0)


def tally(node: Node, answers: Iterable[Sequence[str]]) -> Tally:
    """Count answers (each a list of choice ids) to a question; unknown ids are ignored."""
    counts = dict.fromkeys(node.choice_ids(), 0)
    respondents = 0
    for selected in answers:
        respondents += 1
        for choice_id in set(selected):
            if choice_id in counts:
                counts[choice_id] += 1
    return Tally(respondents, tuple(counts.items()))


def valid_answer(node: Node, choice_ids: Sequence[str]) -> bool:
    """Whether a selection fits the question: known choices, no repeats, one if `select: one`."""
    if not choice_ids or len(set(choice_ids)) != len(choice_ids):
        return False
    if node.select == "one" and len(choice_ids) != 1:
        return False
    known = set(node.choice_ids())
    return all(c in known for c in choice_ids)
