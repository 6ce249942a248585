"""Class lessons: what is stored about pupils, cookies, abuse limits, purge and concurrency."""

from __future__ import annotations

import re
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa
from sqlalchemy import select

from tests.helpers.lessons import (
    FIRST_QUESTION,
    FORM_RE,
    answer,
    count,
    end,
    expire,
    go_to,
    join,
    serve_sample,
    session_row,
    start,
)
from training_app.extensions import db
from training_app.lessons import services
from training_app.lessons.models import (
    LessonParticipant,
    LessonResponse,
    LessonResult,
    LessonSession,
)
from training_app.models_common import utcnow

LESSON_TABLES = ("lesson_sessions", "lesson_participants", "lesson_responses", "lesson_results")
# Words that would make a column about a person or their device.
IDENTIFYING = {
    "ip",
    "addr",
    "address",
    "remote",
    "agent",
    "ua",
    "useragent",
    "browser",
    "device",
    "name",
    "forename",
    "surname",
    "nickname",
    "nick",
    "email",
    "phone",
    "fingerprint",
    "location",
    "dob",
    "birth",
    "pupil",
    "user",
    "cookie",
}
PUPIL_UA = "PupilPhone/1.0 (marker-ua-7f3e)"
PUPIL_IP = "203.0.113.77"


@pytest.fixture
def app(app, tmp_path):
    """The usual app, serving the sample pupil lesson."""
    return serve_sample(app, tmp_path)


def test_schema_stores_nothing_identifying(app):
    with app.app_context():
        inspector = sa.inspect(db.engine)
        columns = {t: {c["name"] for c in inspector.get_columns(t)} for t in LESSON_TABLES}
    for table, names in columns.items():
        for name in names:
            words = set(name.lower().split("_"))
            assert not words & IDENTIFYING, f"{table}.{name} looks identifying"
    # The per-device tables hold a token hash and answers, nothing else, not even times.
    assert columns["lesson_participants"] == {"id", "session_id", "token_hash"}
    assert columns["lesson_responses"] == {
        "id",
        "session_id",
        "participant_id",
        "node_id",
        "choice_ids",
    }
    # The only person a session names is the member of staff who ran it.
    ids = {c for c in columns["lesson_sessions"] if c.endswith("_id")}
    assert ids == {"school_id", "teacher_id", "module_id"}


def _dump_everything(application) -> str:
    """Every value in every table of the database, as one string."""
    with application.app_context():
        chunks = []
        with db.engine.connect() as conn:
            for table in db.metadata.sorted_tables:
                for row in conn.execute(sa.select(table)):
                    chunks.append(repr(tuple(row)))
        return "\n".join(chunks)


def test_no_address_or_user_agent_or_cookie_is_stored_anywhere(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    environ = {"REMOTE_ADDR": PUPIL_IP, "HTTP_USER_AGENT": PUPIL_UA}
    pupil = app.test_client()
    pupil.environ_base.update(environ)
    pupil.get("/join")
    pupil.post("/join", data={"code": code})
    pupil.get(f"/j/{code}")
    pupil.post(f"/j/{code}/join")
    token = pupil.get_cookie("lesson", path=f"/j/{code}").value
    go_to(teacher, session_id, FIRST_QUESTION)
    assert answer(pupil, code, "no").status_code == 303
    during = _dump_everything(app)
    end(teacher, session_id)
    after = _dump_everything(app)
    for dump in (during, after):
        assert PUPIL_IP not in dump and "marker-ua-7f3e" not in dump
        assert token not in dump
    assert count(app, LessonParticipant) == 0 and count(app, LessonResponse) == 0


def _set_cookies(response):
    return response.headers.getlist("Set-Cookie")


def test_pupil_gets_one_cookie_scoped_to_the_lesson_and_no_session(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = app.test_client()
    cookies = []
    for response in (
        pupil.get("/join"),
        pupil.post("/join", data={"code": code}),
        pupil.get(f"/j/{code}"),
        pupil.post(f"/j/{code}/join"),
        pupil.get(f"/j/{code}"),
    ):
        cookies.extend(_set_cookies(response))
        assert response.headers["Cache-Control"] == "no-store, private"
        assert "Cookie" in response.headers.get("Vary", "")
    go_to(teacher, session_id, FIRST_QUESTION)
    cookies.extend(_set_cookies(answer(pupil, code, "no")))
    assert len(cookies) == 1, cookies
    cookie = cookies[0]
    assert cookie.startswith("lesson=")
    assert f"Path=/j/{code}" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Secure" not in cookie  # plain HTTP in development; see the production test
    max_age = int(re.search(r"Max-Age=(\d+)", cookie)[1])
    assert 0 < max_age <= 120 * 60
    assert pupil.get_cookie("session") is None


def test_lesson_cookie_is_secure_in_production(app, login_as):
    app.config["SESSION_COOKIE_SECURE"] = True
    _, code = start(login_as("staff"))
    response = app.test_client().post(f"/j/{code}/join")
    (cookie,) = _set_cookies(response)
    assert cookie.startswith("__Secure-lesson=") and "; Secure" in cookie


def test_posts_from_other_sites_are_refused(app, login_as):
    _, code = start(login_as("staff"))
    pupil = app.test_client()
    assert (
        pupil.post(f"/j/{code}/join", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 403
    )
    assert (
        pupil.post(f"/j/{code}/join", headers={"Origin": "https://evil.example"}).status_code == 403
    )
    assert (
        pupil.post(f"/j/{code}/join", headers={"Sec-Fetch-Site": "same-origin"}).status_code == 303
    )
    assert count(app, LessonParticipant) == 1


def test_pupil_cannot_open_the_presenter_view(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    for path in (f"/lessons/{session_id}", f"/lessons/{session_id}/record", "/lessons"):
        response = pupil.get(path)
        assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    assert pupil.post(f"/lessons/{session_id}/end").status_code in (302, 400)
    assert session_row(app, session_id).status == "live"


def test_pupils_see_only_their_own_answer(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    first, second = join(app, code), join(app, code)
    go_to(teacher, session_id, FIRST_QUESTION)
    answer(first, code, "some")
    page = second.get(f"/j/{code}").get_data(as_text=True)
    assert "Send my answer" in page and "Your answer is in" not in page
    # Another device's cookie value is useless here without its own form token.
    node, token = FORM_RE.search(page).groups()
    assert (
        first.post(
            f"/j/{code}/answer", data={"node": node, "token": token, "choice": "no"}
        ).status_code
        == 400
    )


def test_failed_codes_are_rate_limited_but_joined_pupils_carry_on(app, login_as):
    app.config["LESSON_JOIN_FAILURE_LIMIT"] = "3 per minute"
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    guesser = app.test_client()
    for guess in ("ZZZZZZZZ", "YYYYYYYY", "XXXXXXXX"):
        assert guesser.post("/join", data={"code": guess}).status_code == 404
    blocked = guesser.post("/join", data={"code": "WWWWWWWW"})
    assert blocked.status_code == 429 and "Too many tries" in blocked.get_data(as_text=True)
    assert guesser.get("/j/WWWWWWWW").status_code == 429
    # Same address (a school shares one): pupils already in the lesson are not blocked.
    go_to(teacher, session_id, FIRST_QUESTION)
    assert pupil.get(f"/j/{code}").status_code == 200
    assert answer(pupil, code, "no").status_code == 303


def test_join_attempts_are_rate_limited_per_address(app, login_as):
    app.config["LESSON_JOIN_LIMIT"] = "2 per minute"
    _, code = start(login_as("staff"))
    join(app, code)
    join(app, code)
    assert app.test_client().post(f"/j/{code}/join").status_code == 429
    assert count(app, LessonParticipant) == 2


def test_purge_command_ends_timed_out_sessions_and_keeps_only_totals(app, login_as, runner):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupils = [join(app, code) for _ in range(2)]
    go_to(teacher, session_id, FIRST_QUESTION)
    answer(pupils[0], code, "no")
    answer(pupils[1], code, "yes")
    # A stray token on an already ended session (e.g. a crash mid-end) goes too.
    other_id, _ = start(teacher, class_label="7A")
    end(teacher, other_id)
    expire(app, session_id)
    with app.app_context():
        db.session.add(LessonParticipant(session_id=other_id, token_hash="f" * 64))
        db.session.commit()
    result = runner.invoke(args=["lessons", "purge"])
    assert result.exit_code == 0, result.output
    assert "Ended 1 timed-out session(s); deleted 1 leftover token(s)." in result.output
    assert count(app, LessonParticipant) == 0 and count(app, LessonResponse) == 0
    row = session_row(app, session_id)
    assert row.status == "ended" and row.end_reason == "timed_out" and row.participant_count == 2
    assert row.ended_at == row.expires_at and row.purged_at is not None
    with app.app_context():
        kept = db.session.scalars(select(LessonResult).where(LessonResult.session_id == session_id))
        (result_row,) = kept.all()
        assert result_row.respondents == 2
    assert runner.invoke(args=["lessons", "purge"]).output.startswith("Ended 0")


def test_a_session_times_out_after_two_hours(app, login_as, world):
    with app.app_context():
        from training_app.auth.models import User
        from training_app.learning.catalogue import library

        teacher = db.session.get(User, world.users["staff"].id)
        module = library().module("pshe-sample")
        started = utcnow() - timedelta(hours=2, minutes=1)
        session = services.start_session(teacher, module, "9Z", minutes=120, now=started)
        session_id = session.id
        assert services.finalise_expired() == 1
        row = db.session.get(LessonSession, session_id)
        assert row.status == "ended" and row.end_reason == "timed_out"


def _post_all(calls):
    """Run callables at the same moment on their own threads; return their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(i, call):
        barrier.wait()
        results[i] = call()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _ready(application, teacher, session_id, code, n):
    pupils = [join(application, code) for _ in range(n)]
    go_to(teacher, session_id, FIRST_QUESTION)
    forms = [FORM_RE.search(p.get(f"/j/{code}").get_data(as_text=True)).groups() for p in pupils]
    return pupils, forms


def test_concurrent_answers_are_counted_exactly_once(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupils, forms = _ready(app, teacher, session_id, code, 24)
    picks = ["no", "yes", "some"] * 8
    calls = []
    for pupil, (node, token), pick in zip(pupils, forms, picks, strict=True):
        data = {"node": node, "token": token, "choice": pick}
        # Each device sends its answer twice at once (a double tap): it counts once.
        calls += [lambda p=pupil, d=data: p.post(f"/j/{code}/answer", data=d).status_code] * 2
    assert set(_post_all(calls)) == {303}
    assert count(app, LessonResponse) == 24
    page = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
    assert re.findall(r'tally-count">(\d+)<', page) == ["8", "8", "8"]
    assert "<strong>24</strong> of 24 have answered" in page


def test_ending_while_pupils_answer_loses_no_counted_answer(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupils, forms = _ready(app, teacher, session_id, code, 16)
    token = re.search(
        r'name="csrf_token"[^>]*value="([^"]+)"', teacher.get(f"/lessons/{session_id}").text
    )[1]
    calls = [lambda: teacher.post(f"/lessons/{session_id}/end", data={"csrf_token": token})]
    for pupil, (node, form_token) in zip(pupils, forms, strict=True):
        data = {"node": node, "token": form_token, "choice": "no"}
        calls.append(lambda p=pupil, d=data: p.post(f"/j/{code}/answer", data=d))
    responses = _post_all(calls)
    assert responses[0].status_code == 303
    statuses = [r.status_code for r in responses[1:]]
    assert set(statuses) <= {303, 410}
    recorded = statuses.count(303)
    assert count(app, LessonParticipant) == 0 and count(app, LessonResponse) == 0
    with app.app_context():
        results = db.session.scalars(select(LessonResult)).all()
    respondents = results[0].respondents if results else 0
    assert respondents == recorded
