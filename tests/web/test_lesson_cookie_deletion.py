"""The pupil's lesson cookie is deleted with the attributes it was set with."""

from __future__ import annotations

import pytest

from tests.helpers.lessons import end, join, serve_sample, start


@pytest.fixture
def app(app, tmp_path):
    """The app serving the sample lesson library."""
    return serve_sample(app, tmp_path)


def test_ended_lesson_deletes_the_secure_cookie_with_secure(app, login_as):
    app.config["SESSION_COOKIE_SECURE"] = True
    teacher = login_as("staff")
    session_id, code = start(teacher)
    pupil = join(app, code)
    end(teacher, session_id)
    response = pupil.get(f"/j/{code}")
    (deletion,) = response.headers.getlist("Set-Cookie")
    assert deletion.startswith("__Secure-lesson=;")
    assert "Max-Age=0" in deletion and f"Path=/j/{code}" in deletion
    assert "; Secure" in deletion and "; HttpOnly" in deletion and "SameSite=Lax" in deletion
