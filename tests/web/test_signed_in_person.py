"""The learner's busiest views see their person as a snapshot of columns (auth/person.py).

The reading page and the quiz views read their attempt with the session check
and get a `SignedInPerson`, not a `User`. Whatever a person sees around the page must not
depend on which of the two the request had: the navigation (whose links for admins and
DSLs read the person's school), their name, the two-factor rule.
"""

from __future__ import annotations

import dataclasses
import re

import pytest

from tests.conftest import csrf_from
from tests.helpers.learning import MODULE, latest_attempt, start_module
from training_app.auth.models import User
from training_app.auth.person import PERSON_COLUMNS, SignedInPerson, person_from_row


def _navigation(html: str) -> list[tuple[str, str]]:
    """The main navigation's links (address and label), without the current-page marker."""
    found = re.search(r'<nav class="site-nav" aria-label="Main">(.*?)</nav>', html, re.S)
    assert found, "no main navigation on the page"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', found[1])


@pytest.mark.parametrize("role", ["staff", "dsl", "school_admin", "trust_admin"])
def test_a_reading_page_and_a_question_show_the_navigation_of_every_other_page(
    app, login_as, world, role
):
    client = login_as(role)
    home = client.get("/").get_data(as_text=True)
    start_module(client)
    attempt = latest_attempt(app, world.users[role].id)
    page = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/2")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert _navigation(html) == _navigation(home)
    assert f'<span class="signed-in-as">{world.users[role].name}</span>' in html

    last = f"/learn/{MODULE}/attempts/{attempt.id}/pages/99"
    assert client.get(last).status_code == 404  # refused, with the same layout
    quiz = f"/learn/{MODULE}/attempts/{attempt.id}/quiz"
    token = csrf_from(client, f"/learn/{MODULE}/attempts/{attempt.id}/pages/2")
    question = client.post(quiz, data={"csrf_token": token})
    assert question.status_code == 200
    assert _navigation(question.get_data(as_text=True)) == _navigation(home)


def test_a_page_still_sends_a_dsl_without_two_factor_sign_in_to_set_it_up(app, login_as, world):
    from training_app.extensions import db
    from training_app.mfa.models import TwoFactor

    client = login_as("dsl")
    start_module(client)
    attempt = latest_attempt(app, world.users["dsl"].id)
    with app.app_context():  # their two-factor sign-in is reset while they are signed in
        db.session.delete(db.session.get(TwoFactor, world.users["dsl"].id))
        db.session.commit()
    response = client.get(f"/learn/{MODULE}/attempts/{attempt.id}/pages/2")
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/security/set-up")


def test_the_snapshot_is_made_of_the_users_columns_it_names_and_never_the_password():
    names = [column.key for column in PERSON_COLUMNS]
    fields = [f.name for f in dataclasses.fields(SignedInPerson)]
    assert names == fields[: len(names)]
    assert "password_hash" not in names
    pairs = zip(names, PERSON_COLUMNS, strict=True)
    assert all(getattr(User, name) is column for name, column in pairs)


def test_a_snapshot_answers_flask_login_as_a_user_does():
    person = person_from_row((7, 3, "a@b.example", "Ann", "dsl", "teaching", True, "extra"))
    person.current_session_token = "token"
    assert (person.id, person.school_id, person.role) == (7, 3, "dsl")
    assert person.is_authenticated and person.is_active and not person.is_anonymous
    assert person.get_id() == "token"
    assert person.role_label == "Designated Safeguarding Lead or deputy"
