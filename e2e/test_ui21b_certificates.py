"""Certificates worth keeping: a member of staff passes a module and opens the certificate; the
school admin adds the school's logo from it, and the certificate (on screen, printed and as
a PDF) shows the logo, the outcomes, the CPD time, the guidance edition and a signature line.
Every page passes axe at 1366 and 375 px wide.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image, ImageDraw
from playwright.sync_api import Page, expect

from e2e.conftest import own_server
from e2e.player import LIBRARY, answer_to_the_end, read_pages
from tests.screens import screens_dir

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 375, "height": 812}
SCREENS = screens_dir("ui21b")
MODULE_ID = "first-responder"


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: the staff member must start the module fresh, whatever else ran."""
    with own_server(tmp_path_factory, "certificates") as url:
        yield url


def shoot(page: Page, name: str, *, full_page: bool = True) -> None:
    """Save a screenshot (outside git) for the report."""
    if SCREENS is not None:
        page.screenshot(path=str(SCREENS / f"{name}.png"), full_page=full_page)


def both_widths(page: Page, audit) -> None:
    """Axe at a laptop's width and a phone's, with no sideways scrolling on the phone."""
    page.set_viewport_size(LAPTOP)
    audit(page)
    page.set_viewport_size(PHONE)
    audit(page)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.set_viewport_size(LAPTOP)


def crest(tmp_path: Path) -> Path:
    """A small school crest as a PNG file, as a school would upload it."""
    image = Image.new("RGB", (360, 240), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 20, 340, 220), fill=(29, 79, 145))
    draw.ellipse((120, 60, 240, 180), fill=(255, 221, 0))
    path = tmp_path / "crest.png"
    out = io.BytesIO()
    image.save(out, format="PNG")
    path.write_bytes(out.getvalue())
    return path


def test_staff_certificate_with_the_school_logo(page, sign_in, audit, context, tmp_path):
    module = LIBRARY.module(MODULE_ID)
    sign_in("staff@northfield.demo")
    page.get_by_role("link", name=re.compile(re.escape(module.title.split(":")[0]))).first.click()
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    read_pages(page, audit, module)
    assert module.quiz is not None
    answer_to_the_end(page, audit, module.quiz)
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    audit(page)
    page.get_by_role("link", name="View and print your certificate").click()
    expect(page.get_by_role("heading", name="What this module covers")).to_be_visible()
    expect(page.get_by_text(f"{module.estimated_minutes} minutes")).to_be_visible()
    expect(page.get_by_text("Signed for the school (name and role)")).to_be_visible()
    # Staff cannot change the school's logo, so they are not offered the link.
    expect(page.get_by_role("link", name=re.compile("logo on certificates"))).to_have_count(0)
    both_widths(page, audit)
    certificate_path = page.url.split("://", 1)[1].split("/", 1)[1]
    page.get_by_role("button", name="Sign out").click()
    audit(page)

    sign_in("admin@northfield.demo")
    page.goto("/" + certificate_path)
    audit(page)
    page.get_by_role("link", name="Add your school's logo on certificates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your school's logo on certificates")
    audit(page)
    # A file that is not an image is refused with a linked error.
    fake = tmp_path / "logo.png"
    fake.write_text("this is not an image")
    page.get_by_label("Logo (PNG or JPEG file)").set_input_files(str(fake))
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.get_by_role("alert")).to_contain_text("must be a PNG or JPEG image")
    audit(page)
    page.get_by_label("Logo (PNG or JPEG file)").set_input_files(str(crest(tmp_path)))
    page.get_by_role("button", name="Upload the logo").click()
    expect(page.get_by_role("status")).to_contain_text("The logo is saved")
    expect(page.get_by_role("img", name=re.compile("logo, as it is printed"))).to_be_visible()
    both_widths(page, audit)
    shoot(page, "logo-page-1366")

    page.goto("/" + certificate_path)
    logo = page.get_by_role("img", name=re.compile("logo$"))
    expect(logo).to_be_visible()
    assert page.evaluate("(img) => img.naturalWidth > 0", logo.element_handle())
    both_widths(page, audit)
    shoot(page, "certificate-page-1366")
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_role("link", name="Download the certificate (PDF)")).to_be_hidden()
    shoot(page, "certificate-print-1366")
    page.emulate_media(media="screen")

    pdf = context.request.get(
        page.get_by_role("link", name="Download the certificate (PDF)").get_attribute("href")
    )
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    assert pdf.body().startswith(b"%PDF-")
