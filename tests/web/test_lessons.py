"""Class lessons: a teacher starts and runs a session; pupils join with a code and answer.

The app here serves a small sample pupil lesson (tests/lessons/sample.py); the helpers that
drive it are in tests/helpers/lessons.py.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from tests.conftest import post_form
from tests.helpers.lessons import (
    CLOSE,
    FIRST_QUESTION,
    FORM_RE,
    SECOND_QUESTION,
    STORY,
    answer,
    control,
    count,
    end,
    expire,
    go_to,
    join,
    position_of,
    serve_sample,
    session_row,
    start,
)
from training_app.extensions import db
from training_app.lessons.codes import display_code
from training_app.lessons.models import (
    LessonParticipant,
    LessonResponse,
    LessonResult,
)


@pytest.fixture
def app(app, tmp_path):
    """The usual app, serving the sample pupil lesson."""
    return serve_sample(app, tmp_path)


def test_teacher_starts_a_lesson_and_gets_the_presenter_view(login_as):
    teacher = login_as("staff")
    page = teacher.get("/lessons").get_data(as_text=True)
    assert "Ages 11 to 14" in page and "Start the lesson" in page
    session_id, code = start(teacher)
    page = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
    assert display_code(code) in page
    assert "localhost/join" in page
    assert '<svg role="img" aria-label="QR code' in page
    assert "<strong>0</strong> pupils have joined" in page
    assert "Before we start" in page and "Class 9B" in page
    assert 'src="/static/js/lessons.js"' in page


def test_start_form_needs_a_lesson_and_a_class(login_as):
    teacher = login_as("staff")
    response = post_form(teacher, "/lessons", {"class_label": "x" * 41})
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Choose a lesson." in body and "40 characters or fewer" in body


def test_pupil_follows_the_lesson_and_answers(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    assert "Before we start" in pupil.get(f"/j/{code}").get_data(as_text=True)
    go_to(teacher, session_id, 1)
    assert "Most young people don&#39;t share nudes" in pupil.get(f"/j/{code}").get_data(
        as_text=True
    )
    go_to(teacher, session_id, FIRST_QUESTION)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    assert "Is that true?" in page and "Send my answer" in page and "Question 1 of 2" in page
    assert answer(pupil, code, "no").status_code == 303
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    assert "Your answer is in" in page and "Send my answer" not in page
    control(teacher, session_id, "reveal")
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    assert "The answer" in page and "Your answer" in page
    assert "<li>No, most young people don&#39;t</li>" in page
    assert "Most young people do not share nude pictures." in page


def test_no_answer_chosen_is_explained(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    go_to(teacher, session_id, FIRST_QUESTION)
    response = answer(pupil, code)
    assert response.headers["Location"].endswith("?note=choose")
    assert "Choose an answer." in pupil.get(response.headers["Location"]).get_data(as_text=True)
    assert count(app, LessonResponse) == 0


def test_wrong_code_is_refused_clearly(client):
    response = client.post("/join", data={"code": "ZZZZ-ZZZZ"})
    assert response.status_code == 404
    assert "We can&#39;t find a lesson with that code" in response.get_data(as_text=True)
    response = client.post("/join", data={"code": "hello"})
    assert response.status_code == 404
    response = client.get("/j/ZZZZZZZZ")
    assert response.status_code == 404
    assert "We can't find that lesson" in response.get_data(as_text=True)
    assert client.post("/j/ZZZZZZZZ/join").status_code == 404
    assert client.post("/join", data={"code": ""}).status_code == 200


def test_typed_code_in_any_case_leads_to_the_lesson(app, login_as):
    session_id, code = start(login_as("staff"))
    pupil = app.test_client()
    response = pupil.post("/join", data={"code": display_code(code).lower()})
    assert response.status_code == 303 and response.headers["Location"] == f"/j/{code}"
    assert pupil.get(f"/j/{code.lower()}").headers["Location"] == f"/j/{code}"


def test_expired_code_is_refused_clearly(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    expire(app, session_id)
    response = app.test_client().post("/join", data={"code": code})
    assert response.status_code == 410 and "That lesson has ended" in response.get_data(
        as_text=True
    )
    assert app.test_client().post(f"/j/{code}/join").status_code == 410
    response = pupil.get(f"/j/{code}")
    assert response.status_code == 200 and "This lesson has ended" in response.get_data(
        as_text=True
    )
    # The teacher's screen closes it: the tokens go, the record stays.
    assert teacher.get(f"/lessons/{session_id}").status_code == 302
    row = session_row(app, session_id)
    assert row.status == "ended" and row.end_reason == "timed_out" and row.participant_count == 1
    assert count(app, LessonParticipant) == 0


def test_ended_session_refuses_answers_and_keeps_only_totals(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupils = [join(app, code) for _ in range(3)]
    go_to(teacher, session_id, FIRST_QUESTION)
    for pupil, choice in zip(pupils, ["no", "no", "yes"], strict=True):
        assert answer(pupil, code, choice).status_code == 303
    page = pupils[0].get(f"/j/{code}").get_data(as_text=True)
    # Pupil screens count nothing: no totals, nobody else's answer.
    assert "chose this" not in page
    form_page = app.test_client()
    assert end(teacher, session_id).status_code == 303
    with pytest.raises(AssertionError):
        answer(pupils[2], code, "no")  # the form is gone: the lesson has ended
    token = "0" * 32
    response = pupils[2].post(
        f"/j/{code}/answer", data={"node": "most", "token": token, "choice": "no"}
    )
    assert response.status_code == 410
    ended = form_page.get(f"/j/{code}")
    assert ended.status_code == 200 and "This lesson has ended" in ended.get_data(as_text=True)
    assert count(app, LessonParticipant) == 0 and count(app, LessonResponse) == 0
    with app.app_context():
        result = db.session.scalars(select(LessonResult)).one()
        assert result.node_id == "most" and result.respondents == 3
        assert {c["id"]: c["count"] for c in result.choices} == {"no": 2, "yes": 1, "some": 0}
        assert [c["id"] for c in result.choices if c["correct"]] == ["no"]
    assert session_row(app, session_id).participant_count == 3
    record = teacher.get(f"/lessons/{session_id}/record").get_data(as_text=True)
    assert (
        "Is that true?" in record and "(3 answered)" in record and "Ended by the teacher" in record
    )


def test_answering_twice_counts_once(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    go_to(teacher, session_id, FIRST_QUESTION)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    node, token = FORM_RE.search(page).groups()
    for choice in ("no", "yes", "no"):
        response = pupil.post(
            f"/j/{code}/answer", data={"node": node, "token": token, "choice": choice}
        )
        assert response.status_code == 303
    assert count(app, LessonResponse) == 1
    with app.app_context():
        assert db.session.scalar(select(LessonResponse.choice_ids)) == ["no"]


def test_answers_close_when_the_answer_is_shown(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    go_to(teacher, session_id, FIRST_QUESTION)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    node, token = FORM_RE.search(page).groups()
    control(teacher, session_id, "reveal")
    response = pupil.post(f"/j/{code}/answer", data={"node": node, "token": token, "choice": "no"})
    assert response.headers["Location"].endswith("?note=closed")
    assert "That question has closed" in pupil.get(response.headers["Location"]).get_data(
        as_text=True
    )
    assert count(app, LessonResponse) == 0


def test_tampered_answers_change_nothing(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    go_to(teacher, session_id, FIRST_QUESTION)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    node, token = FORM_RE.search(page).groups()
    post = pupil.post
    assert post(f"/j/{code}/answer", data={"node": node, "choice": "no"}).status_code == 400
    bad = {"node": node, "token": token, "choice": ["no", "yes"]}
    assert post(f"/j/{code}/answer", data=bad).headers["Location"].endswith("note=choose")
    other = {"node": "law", "token": token, "choice": "u18"}
    assert post(f"/j/{code}/answer", data=other).headers["Location"].endswith("note=closed")
    assert count(app, LessonResponse) == 0


def test_presenter_moves_once_on_a_double_click(app, login_as):
    teacher = login_as("staff")
    session_id, _ = start(teacher)
    control(teacher, session_id, "next", position=0)
    control(teacher, session_id, "next", position=0)
    assert position_of(teacher, session_id) == 1
    control(teacher, session_id, "back", position=1)
    assert position_of(teacher, session_id) == 0
    assert control(teacher, session_id, "jump", position=0).status_code == 303
    assert position_of(teacher, session_id) == 0


def test_presenter_shows_counts_never_who(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupils = [join(app, code) for _ in range(3)]
    go_to(teacher, session_id, SECOND_QUESTION)
    answer(pupils[0], code, "u18")
    answer(pupils[1], code, "u18", "u16")
    page = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
    assert "<strong>2</strong> of 3 have answered" in page
    counts = re.findall(r'tally-count">(\d+)<', page)
    assert counts == ["2", "1"]
    with app.app_context():
        hashes = db.session.scalars(select(LessonParticipant.token_hash)).all()
    assert not any(h in page for h in hashes)
    cookie = pupils[0].get_cookie("lesson", path=f"/j/{code}").value
    assert cookie not in page


def test_polling_gets_304_until_something_changes(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    first = pupil.get(f"/j/{code}")
    etag = first.headers["ETag"]
    assert etag.startswith('W/"') and first.headers["Cache-Control"] == "no-store, private"
    again = pupil.get(f"/j/{code}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b""
    control(teacher, session_id, "next")
    changed = pupil.get(f"/j/{code}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    presenter = teacher.get(f"/lessons/{session_id}")
    tag = presenter.headers["ETag"]
    assert teacher.get(f"/lessons/{session_id}", headers={"If-None-Match": tag}).status_code == 304
    join(app, code)
    assert teacher.get(f"/lessons/{session_id}", headers={"If-None-Match": tag}).status_code == 200


def test_pages_work_without_javascript(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    assert f'href="/j/{code}">Refresh</a>' in page
    assert 'href="/tables" data-leave>Leave this page</a>' in page
    presenter = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
    assert f'href="/lessons/{session_id}">Refresh</a>' in presenter
    assert "<script>" not in page and "style=" not in page and "style=" not in presenter


def test_help_and_content_note_on_every_pupil_page(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    visitor = app.test_client()
    pages = [visitor.get("/join"), visitor.get(f"/j/{code}"), visitor.get("/j/ZZZZZZZZ")]
    pupil = join(app, code)
    presenter_pages = []
    for position in (1, FIRST_QUESTION, STORY, CLOSE):
        go_to(teacher, session_id, position)
        pages.append(pupil.get(f"/j/{code}"))
        presenter_pages.append(teacher.get(f"/lessons/{session_id}").get_data(as_text=True))
    for response in pages:
        body = response.get_data(as_text=True)
        assert "0800 1111" in body and "CEOP" in body and "Internet Watch Foundation" in body
        assert "adult you trust" in body and "Leave this page" in body
        assert "<title>Class lesson</title>" in body or "<title>Join a class lesson" in body
        # No source references on a pupil's device: they are in the teacher's notes.
        assert "/learn/guidance" not in body and "§" not in body
    assert "Most young people do not share nude pictures." in pages[3].get_data(as_text=True)
    assert all("§" not in page and 'class="citation"' not in page for page in presenter_pages)
    note = pages[1].get_data(as_text=True)
    assert "This lesson is about relationships, trust and consent" in note
    assert "Your answers are anonymous" in note


def test_neutral_page(client):
    response = client.get("/tables")
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<title>Times tables</title>" in body
    assert "7 × 8 = 56" in body
    for word in ("lesson", "help", "Childline", "nude", "Safeguarding"):
        assert word.lower() not in body.lower()
    assert "Set-Cookie" not in response.headers


def test_history_and_records_are_the_teachers_own(app, login_as, world):
    teacher = login_as("staff")
    session_id, _ = start(teacher, class_label="10C Rowan")  # no chance match in a token
    other = login_as("a2_staff")
    assert other.get(f"/lessons/{session_id}").status_code == 404
    assert other.post(f"/lessons/{session_id}/end").status_code in (400, 404)
    end(teacher, session_id)
    history = teacher.get("/lessons").get_data(as_text=True)
    assert "10C Rowan" in history and "Lessons running now" not in history
    assert "10C Rowan" not in other.get("/lessons").get_data(as_text=True)
    assert other.get(f"/lessons/{session_id}/record").status_code == 404


def test_school_lessons_delivered_for_reports_viewers(app, login_as, world):
    teacher = login_as("staff")
    # A label with a space: it cannot turn up by chance inside a token on the page.
    session_id, _ = start(teacher, class_label="8A Maple")
    end(teacher, session_id)
    page = login_as("dsl").get(f"/schools/{world.a1.id}/lessons").get_data(as_text=True)
    assert "PSHE lessons delivered" in page and "8A Maple" in page
    assert world.users["staff"].name in page
    assert login_as("dsl").get(f"/lessons/{session_id}/record").status_code == 200
    assert login_as("trust_admin").get(f"/lessons/{session_id}/record").status_code == 200
    assert login_as("other_trust_admin").get(f"/lessons/{session_id}/record").status_code == 404
    assert login_as("staff").get(f"/schools/{world.a1.id}/lessons").status_code == 403
    assert "8A Maple" not in login_as("school_admin").get(
        f"/schools/{world.a2.id}/lessons"
    ).get_data(as_text=True)


def test_lesson_full(app, login_as):
    app.config["LESSON_MAX_PARTICIPANTS"] = 2
    session_id, code = start(login_as("staff"))
    join(app, code)
    join(app, code)
    third = app.test_client()
    response = third.post(f"/j/{code}/join")
    assert response.status_code == 409 and "This lesson is full" in response.get_data(as_text=True)
    assert count(app, LessonParticipant) == 2


def test_nav_and_home_links(login_as, world):
    staff_home = login_as("staff").get("/").get_data(as_text=True)
    assert 'href="/lessons"' in staff_home
    dsl_home = login_as("dsl").get("/").get_data(as_text=True)
    assert f'href="/schools/{world.a1.id}/lessons"' in dsl_home
