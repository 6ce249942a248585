"""Page and year numbers in the query string: Unicode digits fall back, never 500."""

from __future__ import annotations

import pytest

from training_app.pagination import ascii_int, page_number

UNICODE_DIGITS = ["²", "²²²²", "٢٠٢٥", "𝟚𝟘𝟚𝟝"]
NOT_NUMBERS = [*UNICODE_DIGITS, "١٢", "1²", "+1", " 1", "1_0", "0x10", "-1", "1.0", "9999999999"]


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_lists_fall_back_to_the_first_page(login_as, world, raw):
    admin = login_as("school_admin")
    for url in (f"/schools/{world.a1.id}/people", f"/schools/{world.a1.id}/audit"):
        response = admin.get(url, query_string={"page": raw})
        assert response.status_code == 200, (url, raw)


@pytest.mark.parametrize("raw", UNICODE_DIGITS)
def test_summary_year_falls_back_to_this_year(login_as, world, raw):
    admin = login_as("trust_admin")
    urls = (
        f"/schools/{world.a1.id}/compliance/summary.csv",
        f"/trusts/{world.a1.trust_id}/compliance/summary.csv",
    )
    this_year = admin.get(urls[0])
    for url in urls:
        response = admin.get(url, query_string={"year": raw})
        assert response.status_code == 200, (url, raw)
    assert (
        admin.get(urls[0], query_string={"year": raw}).headers["Content-Disposition"]
        == this_year.headers["Content-Disposition"]
    )


def test_ascii_int():
    assert ascii_int("2025") == 2025 and ascii_int("007") == 7
    assert page_number({"page": "3"}) == 3 and page_number({}) == 1
    for raw in [None, "", *NOT_NUMBERS]:
        assert ascii_int(raw) is None, raw
    assert page_number({"page": "²"}) == 1 and page_number({"page": "0"}) == 1
