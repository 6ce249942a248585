"""A school admin imports staff (fixing a bad row), sees the dashboard, exports it, records
external training and opens the certificate; every page passes axe (WCAG 2.2 A/AA)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from e2e.conftest import own_server

BAD_CSV = (
    "Name,Email,Role,Staff group,Start date\n"
    "Amira Khan,amira.khan@northfield.demo,Staff,Teaching Staff,01/09/2025\n"
    "Ben Doyle,ben.doyle@northfield,Deputy DSL,Pastoral,02/09/2024\n"
    "Cara Lewis,cara.lewis@northfield.demo,Staff,Support Staff,\n"
)
GOOD_CSV = BAD_CSV.replace("ben.doyle@northfield,", "ben.doyle@northfield.demo,")


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """gunicorn on a database of its own: this test imports people into the demo school."""
    with own_server(tmp_path_factory, "compliance") as url:
        yield url


def _upload(page: Page, text: str) -> None:
    page.get_by_label("Staff list (CSV file)").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": text.encode()}
    )
    page.get_by_role("button", name="Upload and preview").click()


def test_admin_imports_staff_reports_and_certifies(page: Page, sign_in, audit) -> None:
    sign_in("admin@northfield.demo")
    page.get_by_role("link", name="Import staff from a CSV file").first.click()
    audit(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Import staff from a CSV file")
    expect(page.get_by_text("Imported people have no password.")).to_be_visible()

    # A file with one bad row: nothing is imported, and the row is named.
    _upload(page, BAD_CSV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Line 3, email: “ben.doyle@northfield” is not an email address")
    audit(page)

    # The corrected file previews cleanly, then imports.
    _upload(page, GOOD_CSV)
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    expect(page.get_by_role("alert")).to_have_count(0)
    expect(page.get_by_role("cell", name="Add", exact=True)).to_have_count(3)
    audit(page)
    page.get_by_role("button", name="Import 3 changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff imported")
    audit(page)

    page.get_by_role("link", name="See the training dashboard").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training compliance")
    expect(page.get_by_role("cell", name=re.compile("Amira Khan"))).not_to_have_count(0)
    audit(page)

    # Filter to one person, then export what is shown.
    page.get_by_label("Name or email").fill("amira")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_role("status")).to_contain_text("of 3.")  # three required modules
    audit(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download this list (CSV)").click()
    download = download_info.value
    assert download.suggested_filename.startswith("training-report-northfield-academy")
    text = Path(download.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][:3] == ["School", "Name", "Email"]
    assert {r[1] for r in rows[1:]} == {"Amira Khan"}

    # Record training Amira did elsewhere, then open its certificate.
    page.get_by_role("link", name="Amira Khan").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training record: Amira Khan")
    audit(page)
    page.get_by_role("link", name="Record training done elsewhere").click()
    audit(page)
    page.get_by_label("Module").select_option("first-responder")
    done_on = date.today() - timedelta(days=30)
    page.get_by_label("Date of the training").fill(done_on.isoformat())
    page.get_by_label("Evidence").fill("Local authority safeguarding course, certificate 4417")
    page.get_by_role("button", name="Record the training").click()
    expect(page.get_by_role("status")).to_contain_text("The training is recorded")
    expect(page.get_by_text(re.compile("Completed, valid until"))).to_be_visible()
    audit(page)
    page.get_by_role("link", name=re.compile("^Certificate")).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Amira Khan")
    code = page.locator("dd.code").inner_text()
    assert len(code) >= 22
    audit(page)

    # Anyone can check the certificate at its public address.
    page.locator("main a[href*='/verify/']").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate checked")
    expect(page.get_by_text("Valid", exact=True)).to_be_visible()
    audit(page)


def test_settings_records_and_trust_pages_are_accessible(page: Page, sign_in, audit) -> None:
    sign_in("admin@northfield.demo")
    page.get_by_role("link", name="Compliance", exact=True).click()
    audit(page)
    page.get_by_role("link", name="Training policy").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Training policy")
    audit(page)
    page.get_by_label("Due-soon window (days)").fill("21")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_role("status")).to_contain_text("applies from now")
    audit(page)
    page.goto("/schools/1/compliance/protocol")
    audit(page)
    page.get_by_label("Switch it off and lock it away").check()
    page.get_by_role("button", name="Save the protocol").click()
    expect(page.get_by_role("status")).to_contain_text("The local protocol is saved")
    audit(page)
    page.get_by_role("link", name="Audit log").first.click()
    audit(page)
    page.get_by_label("Kind of event").select_option("policy.")
    page.get_by_role("button", name="Filter").click()
    expect(page.get_by_role("cell", name="policy.protocol_changed")).to_be_visible()
    audit(page)
    page.get_by_role("link", name="My training record").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your training record")
    audit(page)
    page.get_by_role("link", name="Record an exemption").click()
    audit(page)
    page.get_by_label("Reason").fill("Completed the trust's own course this term")
    page.get_by_role("button", name="Record the exemption").click()
    expect(page.get_by_text("Completed the trust's own course this term").first).to_be_visible()
    audit(page)
    page.get_by_role("button", name="Sign out").click()
    audit(page)

    sign_in("trust@northfield.demo")
    page.get_by_role("link", name="Trust dashboard", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Trust dashboard")
    expect(page.get_by_role("rowheader", name="Riverside High School")).to_be_visible()
    audit(page)
    page.set_viewport_size({"width": 320, "height": 640})
    page.get_by_role("link", name="Northfield Academy").click()
    audit(page)
    overflow = page.evaluate("document.documentElement.scrollWidth > window.innerWidth + 1")
    assert overflow is False
    # (A wrong code answers 404, which the browser logs as an error: see the web tests.)
    page.goto("/verify")
    expect(page.get_by_label("Verification code")).to_be_visible()
    audit(page)
