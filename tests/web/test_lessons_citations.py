"""Citation codes stay in the teacher's notes: never on a pupil's device or the class screen.

Runs the real PSHE lessons (both age bands) step by step, revealing every answer, so every
page, question, explanation and the help list is looked at as each audience sees it.
"""

from __future__ import annotations

import re

import pytest

from tests.helpers.lessons import control, join, position_of, start
from training_app.lessons.views import HELP_SOURCES
from training_app.rules.citations import SOURCES, is_valid_citation

# Any registered source id (UKCCIS-2016, APPX8, ...) or a section sign is a citation code.
CODE = re.compile("|".join(re.escape(source) for source in SOURCES) + "|§")
LESSONS = ("pshe-11-14", "pshe-14-18")


def _visible_text(html: str) -> str:
    """The page as read on screen: markup, comments and attribute values left out."""
    html = re.sub(r"<!--.*?-->|<script.*?</script>|<style.*?</style>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _walk(client, session_id):
    """Move the class through every step, revealing each answer; yields once per screen."""
    seen = set()
    while True:
        page = client.get(f"/lessons/{session_id}").get_data(as_text=True)
        position = position_of(client, session_id)
        key = (position, 'value="reveal"' in page)
        if key in seen:
            return
        seen.add(key)
        yield position
        if 'value="reveal"' in page:
            control(client, session_id, "reveal", position)
        elif 'value="next"' in page:
            control(client, session_id, "next", position)
        else:
            return


@pytest.mark.parametrize("lesson", LESSONS)
def test_no_citation_code_on_the_pupil_device_or_class_screen(app, login_as, lesson):
    teacher = login_as("staff")
    session_id, code = start(teacher, lesson=lesson)
    pupil = join(app, code)
    screens = 0
    for position in _walk(teacher, session_id):
        screens += 1
        presenter = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
        on_device = pupil.get(f"/j/{code}").get_data(as_text=True)
        for who, html in (("class screen", presenter), ("pupil", on_device)):
            found = CODE.search(_visible_text(html))
            assert found is None, f"{lesson} step {position + 1}: {who} shows {found[0]!r}"
            assert 'class="citation"' not in html, f"{lesson} step {position + 1}: {who}"
        # The staff guidance pages are out of a pupil's reach: not even a link to them.
        assert "/learn/guidance" not in on_device, f"{lesson} step {position + 1}"
        assert "0800 1111" in on_device and "0800 1111" in presenter
    # Every page and every question was looked at, before and after its answer.
    assert screens > 20


@pytest.mark.parametrize("lesson", LESSONS)
def test_teacher_notes_keep_every_citation(app, login_as, lesson):
    teacher = login_as("staff")
    session_id, _code = start(teacher, lesson=lesson)
    presenter = teacher.get(f"/lessons/{session_id}").get_data(as_text=True)
    assert f'href="/lessons/{session_id}/notes#step-1"' in presenter
    response = teacher.get(f"/lessons/{session_id}/notes")
    assert response.status_code == 200
    notes = response.get_data(as_text=True)
    assert "keep this page off the class screen" in notes
    assert "(on the class screen now)" in notes
    links = re.findall(r'<a class="citation" href="/learn/guidance/[^"]+">([^<]+)</a>', notes)
    assert "UKCCIS-2016 §1.6" in links and "UKCCIS-2016 §9.2 (Annex B)" in links
    # Each step is there with its sources, questions with their right answers.
    steps = re.findall(r'<li><a href="#step-\d+">', notes)
    assert len(steps) > 20 and notes.count('class="teacher-note"') == len(steps)
    assert "<strong>(right)</strong>" in notes


def test_teacher_notes_are_the_teachers_own(app, login_as):
    teacher = login_as("staff")
    session_id, code = start(teacher, lesson="pshe-14-18")
    assert app.test_client().get(f"/lessons/{session_id}/notes").status_code in (302, 401)
    pupil = join(app, code)
    assert pupil.get(f"/lessons/{session_id}/notes").status_code in (302, 401)
    other = login_as("dsl")
    assert other.get(f"/lessons/{session_id}/notes").status_code == 404


def test_help_list_sources_are_real_citations_and_in_the_notes(app, login_as):
    for _what, citations in HELP_SOURCES:
        assert citations and all(is_valid_citation(c) for c in citations), citations
    teacher = login_as("staff")
    session_id, code = start(teacher, lesson="pshe-11-14")
    notes = teacher.get(f"/lessons/{session_id}/notes").get_data(as_text=True)
    assert "CHILDLINE-REPORT-REMOVE &#34;How it works&#34;</a>" in notes
    # The help list itself, on every pupil page, names Report Remove and the sextortion steps.
    page = join(app, code).get(f"/j/{code}").get_data(as_text=True)
    assert "Report Remove" in page and "nobody at school needs to see the picture" in page
    assert "it is never your fault" in page and "don't pay" in page
    assert 'in danger right now</strong>, call <a href="tel:999">999</a>' in page
