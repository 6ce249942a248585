"""Fuzz the DSL rehearsal: starting one alone or as a group, joining by code, the review
meeting's questions and every decision step's answers."""

from __future__ import annotations

import re
from urllib.parse import quote_from_bytes

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.web.fuzz import (
    check,
    choice_lists,
    choice_values,
    fuzz,
    int_values,
    post,
    probes,
    text_values,
)
from training_app.rehearsal.generator import DIFFICULTIES
from training_app.rehearsal.questions import QUESTION_IDS
from training_app.rehearsal.steps import STEP_KEYS

REHEARSAL_RE = re.compile(r"/rehearse/(\d+)$")
STEP_ACTION_RE = re.compile(r'action="(/rehearse/\d+/steps/[a-z_]+)"')
INPUT_RE = re.compile(r'<input type="(radio|checkbox)" name="([^"]+)" id="[^"]*" value="([^"]+)"')
GROUP_CODE_RE = re.compile(r"/rehearse/groups/([A-Z0-9]+)")
SEEDS = st.one_of(st.just(""), st.integers(0, 999_999_999).map(str), int_values())


@fuzz(10)
@probes("seed", kind="solo", difficulty="foundation")
@probes(
    "seed",
    values=["²", "①", "٣٣", "1 2 3", "９９", "1_000", "0" * 12],
    kind="group",
    difficulty="foundation",
)
@given(kind=st.sampled_from(["solo", "group"]), difficulty=choice_values(DIFFICULTIES), seed=SEEDS)
def test_start_alone_or_as_a_group(app, signed_in, world, kind, difficulty, seed):
    client, csrf = signed_in("dsl")
    url = "/rehearse/start" if kind == "solo" else "/rehearse/groups"
    response = post(client, url, {f"{kind}-difficulty": difficulty, f"{kind}-seed": seed}, csrf)
    check(response, {200, 302})
    if response.status_code == 302:
        check(client.get(response.headers["Location"]), {200}, form_again=False)


@pytest.fixture
def group_code(signed_in):
    """A group rehearsal set up by the school admin at A1 (the DSL's school)."""
    client, csrf = signed_in("school_admin")
    response = post(client, "/rehearse/groups", {"group-difficulty": "foundation"}, csrf)
    assert response.status_code == 302
    return GROUP_CODE_RE.search(response.headers["Location"])[1]


def _path_part(value) -> str:
    raw = value if isinstance(value, bytes) else str(value).encode("utf-8", "surrogatepass")
    return quote_from_bytes(raw, safe="")


@fuzz(12)
@given(data=st.data())
def test_join_a_group(app, signed_in, world, group_code, data):
    client, csrf = signed_in("dsl")
    real = [group_code, group_code.lower(), f"{group_code[:4]} {group_code[4:]}", group_code[:-1]]
    code = data.draw(st.one_of(st.sampled_from(real), text_values()), label="code")
    check(post(client, "/rehearse/join", {"code": code}, csrf), {200, 302})
    # The join button's own URL, with anything at all where the code goes (308: a "/" in it
    # makes a double slash, which the router redirects to the single-slash URL).
    if code:
        response = post(client, f"/rehearse/join/{_path_part(code)}", {}, csrf)
        check(response, {302, 308, 404, 405}, form_again=False)


@pytest.fixture
def rehearsal(signed_in):
    """The DSL's current rehearsal: {"id": ...}, replaced by a new one when it finishes."""
    return {}


def _current(client, csrf, state) -> tuple[int, str]:
    """The rehearsal to answer and its page (a new one when there is none left to do)."""
    if "id" in state:
        page = client.get(f"/rehearse/{state['id']}")
        if page.status_code == 200:
            return state["id"], page.get_data(as_text=True)
    response = post(client, "/rehearse/start", {"solo-difficulty": "foundation"}, csrf)
    state["id"] = int(REHEARSAL_RE.search(response.headers["Location"])[1])
    return state["id"], client.get(f"/rehearse/{state['id']}").get_data(as_text=True)


@fuzz(20)
@given(
    # Mostly a real answer to the step on screen, which moves the rehearsal on; sometimes a
    # question for the review meeting, another step's URL, or some fields replaced by anything.
    mode=st.sampled_from(["answer"] * 5 + ["ask", "other step", "hostile"]),
    anything=st.one_of(text_values(), choice_lists(["yes", "no", *QUESTION_IDS])),
    # Drawn whatever the page holds (draws that depended on the page, which changes as the
    # rehearsal goes on, would make hypothesis's replays inconsistent): picks for the radio
    # groups, ticks for the checkboxes, and which field to replace.
    picks=st.lists(st.integers(0, 99), min_size=12, max_size=12),
    ticks=st.lists(st.booleans(), min_size=12, max_size=12),
    target=st.integers(0, 12),
)
def test_answer_every_step(app, signed_in, world, rehearsal, mode, anything, picks, ticks, target):
    client, csrf = signed_in("dsl")
    rehearsal_id, page = _current(client, csrf, rehearsal)
    if mode == "ask":
        question = QUESTION_IDS[target % len(QUESTION_IDS)] if target % 2 else anything
        response = post(client, f"/rehearse/{rehearsal_id}/ask", {"question": question}, csrf)
        check(response, {302}, form_again=False)
        return
    actions = STEP_ACTION_RE.findall(page)
    url = actions[-1] if actions else f"/rehearse/{rehearsal_id}/steps/review"
    if mode == "other step":
        other = STEP_KEYS[target % len(STEP_KEYS)] if target % 2 else anything
        url = f"/rehearse/{rehearsal_id}/steps/{_path_part(other)}"
    inputs = INPUT_RE.findall(page)
    names = sorted({name for _, name, _ in inputs})
    fields: dict[str, object] = {}
    for index, name in enumerate(names):
        options = [(kind, value) for kind, n, value in inputs if n == name]
        first = options[picks[index % len(picks)] % len(options)][1]
        if options[0][0] == "radio":
            fields[name] = first
        else:
            # One box ticked, sometimes a second: "none of these" with others is refused.
            second = options[picks[(index + 1) % len(picks)] % len(options)][1]
            fields[name] = sorted({first, second}) if ticks[index % len(ticks)] else [first]
    if mode == "hostile":
        fields[(names + ["unknown"])[target % (len(names) + 1)]] = anything
    response = post(client, url, fields, csrf)
    check(response, {200, 302, 404})
    if response.status_code == 302:
        check(client.get(response.headers["Location"]), {200, 302}, form_again=False)
