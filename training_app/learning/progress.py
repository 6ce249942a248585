"""How far through a branching quiz a learner is, for the progress bar."""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from training_app.content.graph import edges
from training_app.content.model import END, Quiz
from training_app.learning.models import Attempt


@dataclass(frozen=True)
class Progress:
    """Questions answered so far and the fewest that can remain."""

    answered: int
    total: int

    @property
    def percent(self) -> int:
        """Share of the way through, for a progress bar."""
        return 100 if self.total == 0 else round(100 * self.answered / self.total)


# Keyed by identity: quizzes are immutable and live as long as the process's library.
_distances: dict[int, tuple[Quiz, dict[str, int]]] = {}


def _questions_to_end(quiz: Quiz) -> dict[str, int]:
    """For each node, the fewest questions on any path from it to the end (cached)."""
    cached = _distances.get(id(quiz))
    if cached is None or cached[0] is not quiz:
        cached = (quiz, _compute_distances(quiz))
        _distances[id(quiz)] = cached
    return cached[1]


def _compute_distances(quiz: Quiz) -> dict[str, int]:
    """0-1 breadth-first search backwards from the end: info nodes cost nothing."""
    reverse: dict[str, list[str]] = {}
    for node in quiz.nodes.values():
        for _field, target in edges(node):
            reverse.setdefault(target, []).append(node.id)
    distance = {END: 0}
    queue: deque[str] = deque([END])
    while queue:
        target = queue.popleft()
        for source in reverse.get(target, []):
            cost = distance[target] + (1 if quiz.nodes[source].is_question else 0)
            if cost < distance.get(source, 1 << 30):
                distance[source] = cost
                if quiz.nodes[source].is_question:
                    queue.append(source)
                else:
                    queue.appendleft(source)
    return distance


def quiz_progress(quiz: Quiz, attempt: Attempt) -> Progress:
    """Progress of an attempt: answered questions over answered plus fewest remaining."""
    answered = sum(1 for a in attempt.answers if a.correct is not None)
    remaining = (
        0 if attempt.current_node is None else _questions_to_end(quiz).get(attempt.current_node, 0)
    )
    return Progress(answered, answered + remaining)
