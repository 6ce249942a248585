"""Content as data: module pages and quizzes loaded from files, checked, rendered and scored.

Pure library (no Flask) apart from `cli.py`. Load once with `load_library`, run `check` (the
app and CI refuse content with problems), render Markdown with `render_markdown`, and judge
answers with `evaluate` and `score`: the rule engine supplies the answer key for action and
decision questions.
"""

from training_app.content.check import PROTOCOLS, check
from training_app.content.evaluate import (
    AnswerError,
    Evaluation,
    Explanation,
    Score,
    correct_choice_ids,
    evaluate,
    follow_path,
    rule_ids,
    score,
)
from training_app.content.graph import next_node_id
from training_app.content.guidance import Passage, passage
from training_app.content.loader import content_version, load_library
from training_app.content.model import (
    AGE_BANDS,
    AUDIENCES,
    END,
    NODE_KINDS,
    Case,
    Choice,
    Library,
    Module,
    Node,
    Page,
    Problem,
    Quiz,
)
from training_app.content.quizfile import ASKS
from training_app.content.render import (
    CALLOUTS,
    default_guidance_url,
    references,
    render_markdown,
)
from training_app.content.tokens import TOKEN_NAMES, resolve_token

__all__ = [
    "AGE_BANDS",
    "ASKS",
    "AUDIENCES",
    "CALLOUTS",
    "END",
    "NODE_KINDS",
    "PROTOCOLS",
    "TOKEN_NAMES",
    "AnswerError",
    "Case",
    "Choice",
    "Evaluation",
    "Explanation",
    "Library",
    "Module",
    "Node",
    "Page",
    "Passage",
    "Problem",
    "Quiz",
    "Score",
    "check",
    "content_version",
    "correct_choice_ids",
    "default_guidance_url",
    "evaluate",
    "follow_path",
    "load_library",
    "next_node_id",
    "passage",
    "references",
    "render_markdown",
    "resolve_token",
    "rule_ids",
    "score",
]
