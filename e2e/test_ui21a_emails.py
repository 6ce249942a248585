"""An admin imports a veteran (the onboarding window shows in the preview), invites them, then
sends a reminder from the dashboard; an SMTP server on loopback receives both. A DSL opens a
record read-only; a cut-off link says so. Every page passes axe at 1366 px and at 375 px."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from email.message import Message

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from e2e.conftest import Auditor, own_server
from tests.helpers.mail import Inbox, smtp_server
from tests.screens import screens_dir

SCREENS = screens_dir("ui21a")
CSV = (
    "Name,Email,Role,Staff group,Start date\n"
    "Vic Veteran,vic.veteran@northfield.demo,Staff,Teaching,01/09/2019\n"
)
WIDTHS = ((1366, 768), (375, 812))


@pytest.fixture(scope="module")
def smtp() -> Iterator[tuple[Inbox, int]]:
    """A real SMTP server on 127.0.0.1 that keeps what it is sent, for this module."""
    with smtp_server() as server:
        yield server


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory, smtp: tuple[Inbox, int]) -> Iterator[str]:
    """gunicorn on a database of its own, sending mail over SMTP to the loopback server."""
    with own_server(
        tmp_path_factory,
        "emails",
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=str(smtp[1]),
    ) as url:
        yield url


@pytest.fixture
def check(page: Page, audit: Auditor) -> Callable[..., None]:
    """axe at both widths (and a screenshot of each when a name is given)."""

    def do(
        name: str | None = None, target: Page | None = None, auditor: Auditor | None = None
    ) -> None:
        on = target or page
        for width, height in WIDTHS:
            on.set_viewport_size({"width": width, "height": height})
            (auditor or audit)(on)
            # Nothing on our screens may need sideways scrolling on a phone.
            scroll = on.evaluate("document.documentElement.scrollWidth")
            assert scroll <= width, f"{on.url} is {scroll} px wide at {width} px"
            if name and SCREENS is not None:
                on.screenshot(path=str(SCREENS / f"{name}-{width}.png"), full_page=True)
        on.set_viewport_size({"width": 1366, "height": 768})

    return do


def _wait_for(inbox: Inbox, count: int) -> list[Message]:
    deadline = time.monotonic() + 10
    while len(inbox.messages) < count and time.monotonic() < deadline:
        time.sleep(0.1)
    return inbox.messages


def _body(message: Message) -> str:
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    return payload.decode()


def test_admin_invites_an_imported_veteran_then_reminds_them(
    page: Page,
    context: BrowserContext,
    sign_in,
    check,
    smtp: tuple[Inbox, int],
    base_url: str,
) -> None:
    inbox, _ = smtp
    sign_in("admin@northfield.demo")
    page.goto("/schools/1/people/import")
    check()
    page.get_by_label("Staff list (CSV file)").set_input_files(
        {"name": "staff.csv", "mimeType": "text/csv", "buffer": CSV.encode()}
    )
    page.get_by_role("button", name="Upload and preview").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the import")
    # The veteran started in 2019 but is not overdue: the onboarding window applies.
    expect(page.locator("#onboarding")).to_contain_text("onboarding window of 28 days")
    expect(page.get_by_text("(overdue)")).to_have_count(0)
    check("import-preview-onboarding")
    page.get_by_role("button", name="Import 1 change").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Staff imported")
    check()

    # Invite them: choose, preview, send; the SMTP server receives a set-password link.
    page.get_by_role("link", name="Send them an invitation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Email reminders and invitations")
    expect(page.get_by_label(re.compile("^An invitation"))).to_be_checked()
    check("emails-choose")
    page.get_by_role("button", name="Preview the emails").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check the emails before they go")
    expect(page.locator("pre")).to_contain_text("Hello Vic Veteran")
    check("emails-preview-invitation")
    assert inbox.messages == []
    page.get_by_role("button", name="Send 1 email").click()
    expect(page.get_by_role("status")).to_contain_text("Sent 1 email.")
    check()
    (invitation,) = _wait_for(inbox, 1)
    assert invitation["To"] == "vic.veteran@northfield.demo"
    link = re.search(rf"{re.escape(base_url)}(/account/reset/\S+)", _body(invitation))
    assert link, _body(invitation)

    # With the window turned off, the veteran is overdue at once: remind everyone overdue.
    page.goto("/schools/1/compliance/policy")
    page.get_by_label("Onboarding window for people new to the platform (days)").fill("0")
    page.get_by_role("button", name="Save the policy").click()
    expect(page.get_by_role("status")).to_contain_text("applies from now")
    check("policy-onboarding-off")
    page.get_by_role("link", name="Compliance", exact=True).click()
    check()
    page.get_by_role("link", name="Email reminders and invitations").click()
    expect(page.get_by_label("Everyone overdue")).to_be_checked()
    check()
    page.get_by_role("button", name="Preview the emails").click()
    expect(page.locator(".person-list").first).to_contain_text("vic.veteran@northfield.demo")
    expect(page.locator("pre")).to_contain_text("overdue, it was due on")
    check("emails-preview-reminder")
    page.get_by_role("button", name=re.compile(r"^Send \d+ emails?$")).click()
    expect(page.get_by_role("status")).to_contain_text("Sent")
    check()
    messages = _wait_for(inbox, 2)
    reminders = [m for m in messages if m["Subject"] == "Your safeguarding training is overdue"]
    assert [m["To"] for m in reminders] == ["vic.veteran@northfield.demo"]
    assert f"{base_url}/" in _body(reminders[0])

    # Asking again sends nothing: the same reminder never goes twice.
    page.get_by_role("button", name="Preview the emails").click()
    expect(page.get_by_text("has already had this reminder")).to_be_visible()
    check()

    # The invitation's link works whole; cut short, it says so.
    # (In a tab of its own: the browser logs its 410 status as an error, which the main
    # tab's fixture rightly fails on.)
    cut = context.new_page()
    cut.goto(link.group(1)[:-12])
    expect(cut.get_by_role("heading", level=1)).to_have_text("This link is incomplete or mistyped")
    check("link-malformed", target=cut)
    cut.close()
    page.goto(link.group(1))
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("password", re.I))
    check()


def test_a_dsl_opens_a_record_from_the_dashboard_read_only(page: Page, sign_in, check) -> None:
    sign_in("dsl@northfield.demo")
    page.get_by_role("link", name="Compliance", exact=True).click()
    check()
    page.locator("main a[href^='/people/']").first.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Training record: ")
    expect(page.get_by_role("link", name="Record training done elsewhere")).to_have_count(0)
    expect(page.get_by_text("You can read this record.")).to_be_visible()
    check("dsl-record-read-only")
