"""Each staff module, start to finish, by the people it is written for: every page and quiz
step passes axe (WCAG 2.2 A/AA), and the module ends up completed on the home page."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from e2e.player import LIBRARY, answer_to_the_end, read_pages


@pytest.mark.parametrize(
    ("email", "module_id"),
    [
        ("staff@northfield.demo", "law-and-outcome-21"),
        ("dsl@northfield.demo", "dsl-walkthrough"),
        ("dsl@northfield.demo", "parent-conversations"),
    ],
)
def test_a_module_is_read_and_passed(page, sign_in, audit, email, module_id):
    module = LIBRARY.module(module_id)
    sign_in(email)
    page.get_by_role("link", name=re.compile(re.escape(module.title.split(":")[0]))).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(module.title)
    audit(page)
    page.get_by_role("button", name="Start the module").click()
    read_pages(page, audit, module)
    answer_to_the_end(page, audit, module.quiz)
    expect(page.get_by_role("heading", level=1)).to_have_text("You passed")
    audit(page)
    page.get_by_role("link", name="View and print your certificate").click()
    expect(page.get_by_text(module.title).first).to_be_visible()
    audit(page)
    page.goto("/")
    item = page.get_by_role("listitem").filter(has_text=module.title)
    expect(item.get_by_text(re.compile("Completed, valid until|Compliant"))).to_be_visible()
