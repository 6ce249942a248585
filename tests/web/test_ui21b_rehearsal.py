"""Rehearsal (issue 21): step counts that agree with the score, a case reference people can
read (school, date, sequence), and a practice-record PDF that never leaves a heading alone at
the foot of a page."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from tests.helpers.rehearsal import finish, latest, right, start, submit
from training_app.pdf import Document
from training_app.rehearsal.reference import school_initials
from training_app.rehearsal.steps import SCORED_KEYS, STEP_KEYS, step


@pytest.mark.parametrize(
    ("name", "initials"),
    [
        ("Northfield Academy", "NA"),
        ("St Mary's C of E Primary School", "MCEP"),
        ("The Priory School", "PS"),
        ("!!!", "SCH"),
    ],
)
def test_school_initials(name, initials):
    assert school_initials(name) == initials


def progress_label(page: str) -> str:
    found = re.search(r'<label for="step-progress">([^<]+)</label>', page)
    assert found is not None
    return found[1]


def test_step_counts_agree_with_the_score(app, login_as, world):
    dsl = login_as("dsl")
    start(dsl, "foundation", "4242")
    rid = latest(app, world.users["dsl"].id).id
    total, decisions = len(STEP_KEYS), len(SCORED_KEYS)
    assert (total, decisions) == (9, 8)
    assert progress_label(dsl.get(f"/rehearse/{rid}").get_data(as_text=True)) == (
        f"Step 1 of {total}: decision 1 of {decisions}"
    )
    # Step 1 answered: the review meeting is step 2, and says it is not scored.
    submit(dsl, rid, "first_response", right(app, rid, "first_response"))
    assert progress_label(dsl.get(f"/rehearse/{rid}").get_data(as_text=True)) == (
        f"Step 2 of {total}: the review meeting, not scored"
    )
    feedback = dsl.get(f"/rehearse/{rid}/steps/first_response").get_data(as_text=True)
    assert progress_label(feedback) == f"Step 1 of {total} done: decision 1 of {decisions}"
    submit(dsl, rid, "review", {})
    assert progress_label(dsl.get(f"/rehearse/{rid}").get_data(as_text=True)) == (
        f"Step 3 of {total}: decision 2 of {decisions}"
    )
    finish(app, dsl, rid, wrong=("parents",))
    result = dsl.get(f"/rehearse/{rid}/result").get_data(as_text=True)
    assert f"7 of {decisions} decisions matched the guidance." in result
    assert f"All {total} steps are done" in result and "not scored" in result
    assert "<h2>Every decision</h2>" in result and "Every step" not in result


def test_case_reference_is_school_date_and_sequence(app, login_as, world):
    dsl = login_as("dsl")
    start(dsl, "foundation", "11")
    first = latest(app, world.users["dsl"].id)
    start(login_as("school_admin"), "foundation", "11")
    second = latest(app, world.users["school_admin"].id)
    day = first.started_at.strftime("%Y%m%d")
    page = dsl.get(f"/rehearse/{first.id}").get_data(as_text=True)
    assert f"Case A-{day}-01 " in page and "scenario 11" in page
    assert f"(A1, {first.started_at:%-d %B %Y}, case 1 that day)" in page
    other = login_as("school_admin").get(f"/rehearse/{second.id}").get_data(as_text=True)
    assert f"Case A-{day}-02 " in other
    # A school in another trust starts its own sequence.
    start(login_as("other_trust_admin"), "foundation", "11")
    elsewhere = latest(app, world.users["other_trust_admin"].id)
    page = login_as("other_trust_admin").get(f"/rehearse/{elsewhere.id}").get_data(as_text=True)
    assert f"Case B-{day}-01 " in page


def test_a_heading_near_the_foot_of_a_page_moves_to_the_next():
    document = Document("Keep with next")
    while document.get_y() < document.page_break_trigger - 20:
        document.paragraph("A line of body text.")
    assert document.page_no() == 1
    document.heading("A section heading", size=13)
    assert document.page_no() == 2
    assert document.get_y() < 40  # drawn at the top of the new page, with its text below


@pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils missing: make test")
def test_practice_record_pages_never_end_on_a_heading(app, login_as, world, tmp_path):
    dsl = login_as("dsl")
    start(dsl, "advanced", "77")
    rid = latest(app, world.users["dsl"].id).id
    finish(app, dsl, rid)
    pdf = tmp_path / "record.pdf"
    pdf.write_bytes(dsl.get(f"/rehearse/{rid}/record.pdf").data)
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    assert len(pages) > 1
    titles = {step(key).title for key in STEP_KEYS} | {
        line for line in text.splitlines() if re.match(r"^\d\. [A-Z]", line)
    }
    for number, page in enumerate(pages[:-1], start=1):
        lines = [line for line in page.splitlines() if line.strip()]
        body = [line for line in lines if " - page " not in line]  # the footer
        assert body[-1] not in titles, f"page {number} ends with the heading {body[-1]!r}"
