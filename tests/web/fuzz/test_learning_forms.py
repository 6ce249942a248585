"""Fuzz the staff player: starting a module, beginning its quiz and answering every step."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.web.fuzz import check, choice_lists, fuzz, int_values, post, text_values

MODULE = "first-responder"
ATTEMPT_RE = re.compile(r"/attempts/(\d+)/")
STEP_RE = re.compile(r'name="step" value="(\d+)"')
NODE_RE = re.compile(r'name="node" value="([^"]+)"')
CHOICE_RE = re.compile(r'name="choice" id="[^"]*" value="([^"]+)"')


@pytest.fixture
def attempt():
    """The staff member's current attempt: {"id": ...}, replaced by a new one when it ends."""
    return {}


def _quiz_page(client, csrf, state) -> tuple[str, str]:
    """(answer URL, question page) of the attempt in progress, starting one when needed."""
    if "id" in state:
        base = f"/learn/{MODULE}/attempts/{state['id']}"
        page = client.get(f"{base}/quiz")
        if page.status_code == 200:
            return f"{base}/answer", page.get_data(as_text=True)
    response = post(client, f"/learn/{MODULE}/start", {}, csrf)
    state["id"] = int(ATTEMPT_RE.search(response.headers["Location"])[1])
    base = f"/learn/{MODULE}/attempts/{state['id']}"
    for number in itertools.count(1):  # read every page, then begin the quiz
        if client.get(f"{base}/pages/{number}").status_code != 200:
            break
    check(post(client, f"{base}/quiz", {}, csrf), {200}, form_again=False)
    return f"{base}/answer", client.get(f"{base}/quiz").get_data(as_text=True)


@fuzz(20)
@given(
    mode=st.sampled_from(["answer"] * 5 + ["step", "node", "choice", "extra", "begin", "start"]),
    anything=st.one_of(int_values(), text_values(), choice_lists(["a", "b", "c"])),
    pick=st.integers(0, 9),
    second=st.booleans(),
)
def test_answer_the_quiz(app, signed_in, world, attempt, mode, anything, pick, second):
    client, csrf = signed_in("staff")
    url, page = _quiz_page(client, csrf, attempt)
    if mode in ("begin", "start"):
        # The buttons before the quiz, pressed again with anything in their fields.
        target = url.replace("/answer", "/quiz") if mode == "begin" else f"/learn/{MODULE}/start"
        check(post(client, target, {"skip_reading": anything}, csrf), {200, 302}, form_again=False)
        return
    choices = CHOICE_RE.findall(page)
    fields: dict[str, object] = {"step": STEP_RE.search(page)[1], "node": NODE_RE.search(page)[1]}
    if choices:
        chosen = {choices[pick % len(choices)]}
        if second:
            chosen.add(choices[(pick + 1) % len(choices)])
        fields["choice"] = sorted(chosen)
    if mode in ("step", "node", "choice"):
        fields[mode] = anything
    elif mode == "extra":
        fields[str(anything)[:20] or "x"] = anything
    response = post(client, url, fields, csrf)
    check(response, {200, 302})
    if response.status_code == 302:
        # Feedback, the next question or the result: all show.
        check(client.get(response.headers["Location"]), {200, 302}, form_again=False)
