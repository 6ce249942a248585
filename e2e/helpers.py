"""Browser helpers shared by several e2e modules: a pupil's own device, and rehearsing."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, expect

from training_app.rehearsal.generator import generate
from training_app.rehearsal.questions import QUESTIONS
from training_app.rehearsal.scoring import Case, right_answer
from training_app.rehearsal.steps import SCORED_KEYS, step
from training_app.rules import DEFAULT_PROTOCOL

# A phone's width: nothing a pupil or presenter sees may scroll sideways at it.
NARROW = {"width": 320, "height": 720}


class Pupil:
    """One pupil's own browser profile, at phone width, with the same checks as `page`."""

    def __init__(self, browser: Browser, base_url: str, audit) -> None:
        self.context: BrowserContext = browser.new_context(base_url=base_url, viewport=NARROW)
        self.page: Page = self.context.new_page()
        self.audit = audit
        self.foreign: list[str] = []
        self.problems: list[str] = []
        self.navigations = 0
        origin = urlsplit(base_url).netloc
        self.context.on(
            "request",
            lambda r: (
                self.foreign.append(r.url)
                if urlsplit(r.url).scheme in {"http", "https"} and urlsplit(r.url).netloc != origin
                else None
            ),
        )
        self.page.on(
            "console", lambda m: self.problems.append(m.text) if m.type == "error" else None
        )
        self.page.on("pageerror", lambda e: self.problems.append(str(e)))
        self.page.on("framenavigated", self._navigated)

    def _navigated(self, frame) -> None:
        if frame == self.page.main_frame:
            self.navigations += 1

    def check(self) -> None:
        """Accessible (axe, WCAG 2.2 A/AA) and no sideways scrolling at 320 px."""
        self.audit(self.page)
        assert no_sideways_scroll(self.page), f"horizontal scroll at 320px on {self.page.url}"

    def close(self) -> None:
        """Close the profile; no request left the origin and the browser logged no error."""
        self.context.close()
        assert self.foreign == [], f"requests left the app's origin: {self.foreign}"
        assert self.problems == [], f"browser errors: {self.problems}"


def no_sideways_scroll(page: Page) -> bool:
    """Whether the page fits its viewport's width."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def case_of(seed: int, difficulty: str) -> Case:
    """The generated case under the demo school's protocol (the defaults)."""
    return Case.of(generate(seed, difficulty).facts, DEFAULT_PROTOCOL)


def tick(page: Page, key: str, answer: dict[str, list[str]]) -> None:
    """Tick the answer's choices on the step's form."""
    for spec in step(key).fields:
        for choice_id in answer[spec.name]:
            page.get_by_label(spec.label_of(choice_id), exact=True).check()


def decide(page: Page, audit, key: str, answer: dict[str, list[str]]) -> None:
    """Answer the step on screen, submit, and check the feedback page."""
    expect(page.get_by_role("heading", level=1)).to_have_text(step(key).title)
    tick(page, key, answer)
    page.get_by_role("button", name="Submit your decision").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("^(Right|Not right)$"))
    audit(page)


def next_page(page: Page, audit) -> None:
    """Follow the page's main button link."""
    page.locator("main a.button").click()
    audit(page)


def review_meeting(page: Page, audit, asked: tuple[str, ...]) -> None:
    """Ask `asked` at the review meeting, then end it."""
    expect(page.get_by_role("heading", level=1)).to_have_text("The initial review meeting")
    for prompt in asked:
        page.get_by_role("button", name=prompt, exact=True).click()
        audit(page)
        expect(page.locator("#learned")).to_contain_text(prompt)
    page.get_by_role("button", name="End the meeting and decide").click()
    audit(page)


def rehearse(page: Page, audit, case: Case, *, wrong_referral: bool = False) -> None:
    """From the first step to the result, rightly except (if asked) the referral."""
    decide(page, audit, "first_response", right_answer("first_response", case))
    next_page(page, audit)
    review_meeting(page, audit, tuple(q.prompt for q in QUESTIONS[:4]))
    for key in SCORED_KEYS[1:]:
        answer = right_answer(key, case)
        if key == "referral" and wrong_referral:
            answer = {"refer": ["no"], "criteria": ["none"]}
        decide(page, audit, key, answer)
        if key == "referral" and wrong_referral:
            expect(page.get_by_role("heading", level=1)).to_have_text("Not right")
            expect(page.get_by_text("Refer immediately: the incident meets")).to_be_visible()
            expect(page.locator("blockquote").first).to_contain_text(
                "An immediate referral to police or social care should be made"
            )
            expect(page.get_by_role("link", name="UKCCIS-2016 §3.3").first).to_be_visible()
        next_page(page, audit)


def rehearse_menu(page: Page, audit) -> None:
    """Open Rehearse from the main menu."""
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Rehearse").click()
    audit(page)


def start_rehearsal(page: Page, audit, seed: int, difficulty: str = "Foundation") -> None:
    """Start a rehearsal alone on a chosen scenario."""
    rehearse_menu(page, audit)
    form = page.locator("form", has=page.get_by_role("button", name="Start the rehearsal"))
    form.get_by_label(re.compile(f"^{difficulty}")).check()
    form.get_by_label("Scenario number (optional)").fill(str(seed))
    page.get_by_role("button", name="Start the rehearsal").click()
    audit(page)
