"""Admins preview any staff module, the DSL walkthrough included, and nothing is recorded."""

from __future__ import annotations

from markupsafe import escape
from sqlalchemy import func, select

from training_app.content.evaluate import correct_choice_ids
from training_app.extensions import db
from training_app.learning.catalogue import library
from training_app.learning.models import Answer, Attempt, Completion


def _count(app, model):
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_school_admin_opening_the_dsl_walkthrough_is_shown_its_preview(login_as):
    client = login_as("school_admin")
    response = client.get("/learn/dsl-walkthrough")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/learn/preview/dsl-walkthrough")
    body = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Preview: " in body and "does not count as completing the training" in body
    assert "Preview the quiz" in body


def test_previewing_the_whole_quiz_records_nothing(app, login_as):
    client = login_as("trust_admin")
    with app.app_context():
        module = library().module("dsl-walkthrough")
    assert module.quiz is not None
    for number in range(1, len(module.pages) + 1):
        page = client.get(f"/learn/preview/dsl-walkthrough/pages/{number}")
        assert page.status_code == 200
        assert str(escape(module.pages[number - 1].title)) in page.get_data(as_text=True)
    url = f"/learn/preview/dsl-walkthrough/quiz/{module.quiz.start}"
    answered = 0
    for _ in range(80):
        if "/quiz/" not in url:
            break
        node = module.quiz.nodes[url.rsplit("/", 1)[1]]
        if node.is_question:
            query = "&".join(f"choice={c}" for c in correct_choice_ids(node))
            body = client.get(f"{url}?{query}").get_data(as_text=True)
            assert "Correct:</span> you chose" in body
            answered += 1
        else:
            body = client.get(url).get_data(as_text=True)
        url = body.split('class="button" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
    assert "finished=1" in url and answered >= 5
    assert "You reached the end of the quiz preview" in client.get(url).get_data(as_text=True)
    assert (_count(app, Attempt), _count(app, Answer), _count(app, Completion)) == (0, 0, 0)


def test_a_wrong_answer_in_preview_gets_the_learners_feedback(app, login_as):
    client = login_as("school_admin")
    with app.app_context():
        quiz = library().module("first-responder").quiz
    node = quiz.nodes[quiz.start]
    while not node.is_question:
        node = quiz.nodes[node.next]
    wrong = next(c for c in node.choices if c.id not in correct_choice_ids(node))
    body = client.get(f"/learn/preview/first-responder/quiz/{node.id}?choice={wrong.id}").get_data(
        as_text=True
    )
    assert "Not right:</span> you chose" in body and str(escape(wrong.label)) in body
    assert "The right answer" in body
    # A choice that is not on the question is shown as the question, unanswered.
    body = client.get(f"/learn/preview/first-responder/quiz/{node.id}?choice=nope")
    assert "See the feedback" in body.get_data(as_text=True)


def test_staff_and_dsls_cannot_preview(login_as):
    assert login_as("staff").get("/learn/preview/first-responder").status_code == 403
    assert login_as("dsl").get("/learn/preview").status_code == 403
