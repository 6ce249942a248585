"""DSLs rehearse mock incidents in a real browser: alone (with a wrong referral), and as a group.

Every page visited is checked with axe (`audit`). The right answers come from the engine, under
the demo school's protocol (the documented defaults: the demo seed sets none).
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from playwright.sync_api import Page, expect

from e2e.codes import SECRETS
from e2e.conftest import DEMO_PASSWORD, ROOT
from e2e.helpers import case_of, rehearse, rehearse_menu, start_rehearsal
from training_app.rehearsal.generator import generate

# A foundation case whose only trigger is an adult: "no referral" is then clearly wrong.
SEED = next(s for s in range(500) if generate(s, "foundation").triggers == ("adult_involved",))
GROUP_SEED = 31
DEPUTY = "deputy.dsl@northfield.demo"
# DSLs must use two-factor sign-in: the deputy's is set up with this secret.
SECRETS[DEPUTY] = "DEPUTYDSLNORTHFIELDAAAAAAAAAAAAA"


_SETUP = f"""
from sqlalchemy import select
from training_app import create_app
from training_app.admin.models import School
from training_app.auth.models import User
from training_app.auth.services import set_password
from training_app.extensions import db
from training_app.mfa.services import enrol_with_secret

with create_app().app_context():
    if db.session.scalar(select(User).where(User.email == {DEPUTY!r})) is None:
        school = db.session.scalar(select(School).where(School.name == "Northfield Academy"))
        user = User(school_id=school.id, name="Dara Deputy", email={DEPUTY!r}, role="dsl",
                    staff_group="pastoral", active=True)
        set_password(user, {DEMO_PASSWORD!r})
        db.session.add(user)
        db.session.flush()
        enrol_with_secret(user, {SECRETS[DEPUTY]!r})
        db.session.commit()
"""


@pytest.fixture(scope="module", autouse=True)
def deputy(server_env: dict[str, str]) -> str:
    """A second DSL at Northfield (the demo has one per school), made with the app's own code."""
    subprocess.run(
        [sys.executable, "-c", _SETUP], env=server_env, cwd=ROOT, check=True, capture_output=True
    )
    return DEPUTY


def test_dsl_rehearses_with_a_wrong_referral_and_downloads_the_record(page, sign_in, audit):
    sign_in("dsl@northfield.demo")
    page.get_by_role("link", name="Start or join a rehearsal").click()
    audit(page)
    page.get_by_role("link", name="Your practice history").click()
    audit(page)
    start_rehearsal(page, audit, SEED)
    expect(page.locator(".account")).to_contain_text(generate(SEED, "foundation").account[0])
    rehearse(page, audit, case_of(SEED, "foundation"), wrong_referral=True)

    expect(page.get_by_role("heading", level=1)).to_have_text("Rehearsal finished")
    expect(page.get_by_text("7 of 8 decisions matched the guidance.")).to_be_visible()
    expect(page.get_by_role("heading", name="Decisions that were not right")).to_be_visible()
    expect(page.get_by_role("link", name="The immediate-referral decision").first).to_be_visible()

    page.get_by_role("link", name="See the practice record").click()
    audit(page)
    expect(page.get_by_text("PRACTICE – NOT A REAL INCIDENT").first).to_be_visible()
    expect(page.get_by_text("Member of staff who received the disclosure")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="Download as PDF").click()
    download = info.value
    # Named by the case reference: the school's initials, the day and the day's sequence.
    assert re.fullmatch(r"practice-record-case-NA-\d{8}-\d{2}\.pdf", download.suggested_filename)
    with open(download.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"

    rehearse_menu(page, audit)
    page.get_by_role("link", name="Your practice history").click()
    audit(page)
    expect(page.get_by_role("cell", name=f"scenario {SEED}").first).to_be_visible()


def _sign_out(page: Page, audit) -> None:
    page.get_by_role("button", name="Sign out").click()
    audit(page)


def test_trainer_runs_a_group_rehearsal_for_two_dsls(page, sign_in, audit, deputy):
    sign_in("admin@northfield.demo")
    rehearse_menu(page, audit)
    form = page.locator("form", has=page.get_by_role("button", name="Set up a group rehearsal"))
    form.get_by_label(re.compile("^Advanced")).check()
    form.get_by_label("Scenario number (optional)").fill(str(GROUP_SEED))
    page.get_by_role("button", name="Set up a group rehearsal").click()
    audit(page)
    code = page.locator(".share-code").inner_text().replace(" ", "")
    expect(page.get_by_text("Nobody has joined yet")).to_be_visible()
    _sign_out(page, audit)

    case = case_of(GROUP_SEED, "advanced")
    for email in ("dsl@northfield.demo", deputy):
        sign_in(email)
        rehearse_menu(page, audit)
        page.get_by_label("Group code").fill(code.lower())
        page.get_by_role("button", name="Find the group").click()
        audit(page)
        page.get_by_role("button", name="Join and start").click()
        audit(page)
        rehearse(page, audit, case, wrong_referral=email == deputy)
        expect(page.get_by_role("heading", level=1)).to_have_text("Rehearsal finished")
        _sign_out(page, audit)

    sign_in("admin@northfield.demo")
    rehearse_menu(page, audit)
    page.get_by_role("link", name=f"Group {code}").click()
    audit(page)
    rows = page.locator("table.results-grid tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Priya Shah")
    expect(rows.nth(0)).to_contain_text("100%")
    expect(rows.nth(1)).to_contain_text("Dara Deputy")
    expect(rows.nth(1)).to_contain_text("Not right")
    rehearse_menu(page, audit)
    page.get_by_role("link", name="DSL practice at Northfield Academy").click()
    audit(page)
    expect(page.get_by_role("cell", name="Dara Deputy").first).to_be_visible()


def test_rehearsal_works_at_320px_and_by_keyboard(page, sign_in, audit):
    page.set_viewport_size({"width": 320, "height": 640})
    sign_in("dsl@northfield.demo")
    page.goto("/rehearse/")
    audit(page)
    overflow = "document.documentElement.scrollWidth > window.innerWidth + 1"
    assert page.evaluate(overflow) is False
    # A scenario number that is not a number gives a clear, linked error.
    page.get_by_label("Scenario number (optional)").first.fill("twelve")
    page.get_by_role("button", name="Start the rehearsal").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Enter the scenario number as a whole number")
    page.get_by_label("Scenario number (optional)").first.fill(str(SEED + 1))
    page.get_by_role("button", name="Start the rehearsal").click()
    audit(page)
    assert page.evaluate(overflow) is False
    # Submitting nothing explains what to do.
    page.get_by_role("button", name="Submit your decision").click()
    audit(page)
    expect(page.get_by_role("alert")).to_contain_text("Tick everything the")
    # By keyboard only: the error link moves focus to the first tick box; Space ticks it.
    page.get_by_role("link", name=re.compile("Tick everything the")).focus()
    page.keyboard.press("Enter")
    expect(page.locator("#field-actions-0")).to_be_focused()
    page.keyboard.press("Space")
    expect(page.locator("#field-actions-0")).to_be_checked()
    page.locator("button", has_text="Submit your decision").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^(Right|Not right)$"))
    audit(page)
    assert page.evaluate(overflow) is False
    page.locator("main a.button").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("The initial review meeting")
    audit(page)
    assert page.evaluate(overflow) is False
    # Asking a question by keyboard reveals its answer.
    page.get_by_role("button", name="Is an adult involved?").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#learned")).to_contain_text("Is an adult involved?")
    audit(page)
    assert page.evaluate(overflow) is False
