"""Fuzz class lessons: the teacher's start and controls, and the pupils' anonymous join and
answer forms (no account and no CSRF token: what any device on the internet can send)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.web.fuzz import (
    assert_shown_escaped,
    check,
    choice_lists,
    choice_values,
    encode_form,
    fuzz,
    int_values,
    post,
    probes,
    stored_text,
    text_values,
)
from training_app.extensions import db, limiter
from training_app.lessons.models import LessonSession
from training_app.lessons.services import ACTIONS

LESSONS = ["pshe-11-14", "pshe-14-18"]
JOIN_CODE_RE = re.compile(r'class="join-code">.*?</span>([A-Z0-9-]{9})<')
PUPIL_FORM_RE = re.compile(
    r'name="node" value="([^"]+)">\s*<input type="hidden" name="token" value="(\w+)"'
)
CHOICE_RE = re.compile(r'name="choice"[^>]*value="([^"]+)"')


@fuzz(10)
@probes("label", lesson="pshe-11-14")
@given(lesson=choice_values(LESSONS), label=st.one_of(stored_text(), text_values()))
def test_start_lesson(app, signed_in, world, lesson, label):
    client, csrf = signed_in("staff")
    response = post(client, "/lessons", {"lesson": lesson, "class_label": label}, csrf)
    check(response, {200, 303})
    if response.status_code != 303:
        return
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    with app.app_context():
        stored = db.session.get(LessonSession, session_id).class_label
    for url in (f"/lessons/{session_id}", "/lessons", f"/lessons/{session_id}/record"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert_shown_escaped(page.get_data(as_text=True), stored)


@pytest.fixture
def live_lesson(signed_in):
    """A live lesson started by the staff member: (session id, join code)."""
    client, csrf = signed_in("staff")
    response = post(client, "/lessons", {"lesson": LESSONS[0], "class_label": "9B"}, csrf)
    assert response.status_code == 303
    session_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = client.get(f"/lessons/{session_id}").get_data(as_text=True)
    return session_id, JOIN_CODE_RE.search(page)[1].replace("-", "")


@fuzz(12)
@given(position=int_values(), action=choice_values(ACTIONS), extra=text_values())
def test_lesson_controls(app, signed_in, live_lesson, position, action, extra):
    client, csrf = signed_in("staff")
    session_id, _ = live_lesson
    fields = {"position": position, "action": action, "extra": extra}
    check(post(client, f"/lessons/{session_id}/control", fields, csrf), {303})
    check(client.get(f"/lessons/{session_id}"), {200}, form_again=False)


def _variants(code: str) -> st.SearchStrategy[str]:
    """The live lesson's code as people type it, and codes that are nearly it."""
    return st.sampled_from(
        [
            code,
            code.lower(),
            f"{code[:4]}-{code[4:]}",
            f" {code[:4]} {code[4:]} ",
            code[:-1],
            code + "Z",
            code.replace(code[0], "0"),
            "٢" * 8,
            "ＡＢＣＤＥＦＧＨ",
        ]
    )


@fuzz(15)
@given(data=st.data())
def test_pupil_join_code(app, world, live_lesson, data):
    limiter.reset()
    _, code = live_lesson
    typed = data.draw(st.one_of(_variants(code), text_values()), label="code")
    pupil = app.test_client()
    response = post(pupil, "/join", {"code": typed})
    check(response, {200, 303, 404, 410, 429}, form_again=False)
    if response.status_code in (404, 410):
        assert 'role="alert"' in response.get_data(as_text=True) or "error" in response.get_data(
            as_text=True
        )


# Where a post claims to come from: nowhere, this site, or another one.
_ORIGINS = st.sampled_from(
    [
        {},
        {"Sec-Fetch-Site": "same-origin"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://evil.example"},
        {"Origin": "http://localhost"},
        {"Sec-Fetch-Site": "\u202enone"},
    ]
)


@pytest.fixture
def at_question(app, signed_in, live_lesson):
    """The live lesson moved on to its first question: (session id, join code).

    Each example joins as a new pupil, so the class may grow past its usual limit.
    """
    app.config["LESSON_MAX_PARTICIPANTS"] = 100_000
    client, csrf = signed_in("staff")
    session_id, code = live_lesson
    probe = app.test_client()
    assert probe.post(f"/j/{code}/join").status_code == 303
    for _ in range(30):
        if PUPIL_FORM_RE.search(probe.get(f"/j/{code}").get_data(as_text=True)):
            return session_id, code
        page = client.get(f"/lessons/{session_id}").get_data(as_text=True)
        position = re.search(r'name="position" value="(\d+)"', page)[1]
        post(
            client, f"/lessons/{session_id}/control", {"position": position, "action": "next"}, csrf
        )
    raise AssertionError("the lesson has no question")


@fuzz(12)
@probes("node", "token", "choice", keep_node=False, keep_token=False, headers={})
@probes("choice", keep_node=True, keep_token=True, headers={}, node="", token="")
@given(
    keep_node=st.booleans(),
    keep_token=st.booleans(),
    node=text_values(),
    token=text_values(),
    # None: the question's first real choice.
    choice=st.one_of(st.none(), text_values(), choice_lists(["a", "b", "c", "yes", "no"])),
    headers=st.one_of(st.just({}), st.just({"Sec-Fetch-Site": "same-origin"}), _ORIGINS),
)
def test_pupil_answer(
    app, signed_in, at_question, keep_node, keep_token, node, token, choice, headers
):
    limiter.reset()
    session_id, code = at_question
    pupil = app.test_client()
    check(post(pupil, f"/j/{code}/join", {}), {303}, form_again=False)
    page = pupil.get(f"/j/{code}").get_data(as_text=True)
    real_node, real_token = PUPIL_FORM_RE.search(page).groups()
    if choice is None:
        choice = CHOICE_RE.findall(page)[:1]
    fields = {
        "node": real_node if keep_node else node,
        "token": real_token if keep_token else token,
        "choice": choice,
    }
    response = pupil.post(
        f"/j/{code}/answer",
        data=encode_form(fields),
        content_type="application/x-www-form-urlencoded",
        headers=headers,
    )
    check(response, {303, 403, 410}, form_again=False)
    # The pupil's page, and the teacher's live tally, still show.
    check(pupil.get(f"/j/{code}"), {200}, form_again=False)
    teacher, _ = signed_in("staff")
    check(teacher.get(f"/lessons/{session_id}"), {200}, form_again=False)
