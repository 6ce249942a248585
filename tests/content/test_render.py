"""Rendering: raw HTML escaped, unsafe links dropped, callouts, citation links, tokens."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from training_app.content import CALLOUTS, references, render_markdown
from training_app.content.render import MD
from training_app.rules import LocalProtocol


def test_raw_html_is_escaped_never_passed_through() -> None:
    html = render_markdown('Hi <b onclick="x()">there</b>\n\n<div>block</div>\n')
    assert "<b" not in html and "<div>" not in html
    assert "&lt;b onclick=&quot;x()&quot;&gt;" in html and "&lt;div&gt;block&lt;/div&gt;" in html


@pytest.mark.parametrize(
    "text",
    [
        "<script>alert(1)</script>",
        "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
        "```\n<script>alert(1)</script>\n```",
        "`<script>`",
        "[x](<script>)",
        "<scr<script>ipt>alert(1)</script>",
    ],
)
def test_script_tags_are_never_output(text: str) -> None:
    assert "<script" not in render_markdown(text).lower()


@pytest.mark.parametrize(
    "link",
    [
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "&#106;avascript:alert(1)",
        "java\tscript:alert(1)",
        "vbscript:msgbox(1)",
        "data:text/html,<b>x</b>",
        "file:///etc/passwd",
        "//evil.example/path",
    ],
)
def test_unsafe_links_are_dropped(link: str) -> None:
    html = render_markdown(f"[click]({link}) and <{link}>")
    assert "<a" not in html


@pytest.mark.parametrize(
    "link",
    [
        "https://www.childline.org.uk/",
        "http://example.org/a",
        "mailto:dsl@school.example",
        "/guidance/x",
        "02-next-page",
        "#top",
        "../up",
    ],
)
def test_web_mail_and_relative_links_are_kept(link: str) -> None:
    assert f'<a href="{link}">' in render_markdown(f"[here]({link})")


def test_images_are_not_loaded_from_anywhere() -> None:
    assert "<img" not in render_markdown("![a tracking pixel](https://tracker.example/p.gif)")


@pytest.mark.parametrize("name", sorted(CALLOUTS))
def test_callouts_are_labelled_asides_with_a_visible_heading(name: str) -> None:
    heading = CALLOUTS[name]
    assert render_markdown(f"::: {name}\nSome **advice**.\n:::\n") == (
        f'<aside class="callout callout-{name}" role="note" aria-label="{heading}">\n'
        f'<p class="callout-heading">{heading}</p>\n'
        "<p>Some <strong>advice</strong>.</p>\n"
        "</aside>\n"
    )


def test_callout_headings() -> None:
    assert CALLOUTS == {
        "do": "Do",
        "dont": "Don't",
        "law": "The law says",
        "guidance": "Police and guidance say",
        "note": "Note",
        "local": "Your school's protocol",
    }


def test_unknown_callout_is_plain_text() -> None:
    assert "<aside" not in render_markdown("::: warning\nHi\n:::\n")


def test_citation_link_uses_the_default_guidance_url() -> None:
    html = render_markdown("Report it [[UKCCIS-2016 §3.1]].")
    assert (
        '<a class="citation" href="/guidance/UKCCIS-2016%20%C2%A73.1">UKCCIS-2016 §3.1</a>' in html
    )


def test_citation_link_uses_the_url_the_app_passes_and_escapes_it() -> None:
    html = render_markdown(
        '[[DORSET "Searching a device"]]', guidance_url=lambda c: f"/g?c={c}&x=1"
    )
    assert (
        '<a class="citation" href="/g?c=DORSET &quot;Searching a device&quot;&amp;x=1">'
        "DORSET &quot;Searching a device&quot;</a>"
    ) in html


def test_citation_across_a_line_break_is_one_citation() -> None:
    assert references("[[UKCCIS-2016\n§3.3]]").citations == ("UKCCIS-2016 §3.3",)


def test_ordinary_links_still_work_next_to_citations() -> None:
    html = render_markdown(
        "[Childline](https://www.childline.org.uk/) [[UKCCIS-2016 §9.3 (Annex C)]]"
    )
    assert '<a href="https://www.childline.org.uk/">Childline</a>' in html
    assert 'class="citation"' in html


def test_protocol_tokens_follow_the_school_protocol() -> None:
    text = "Then {{protocol.device_action}}."
    assert render_markdown(text) == "<p>Then switch it to flight mode.</p>\n"
    off = LocalProtocol(device_power="power_off")
    assert render_markdown(text, protocol=off) == "<p>Then switch it off.</p>\n"


def test_protocol_token_values_are_text_not_markup() -> None:
    school = LocalProtocol(police_contact="PC <b>Smith</b> [x](javascript:y) 01234 567890")
    html = render_markdown("Call {{ protocol.police_contact }}.", protocol=school)
    assert html == ("<p>Call PC &lt;b&gt;Smith&lt;/b&gt; [x](javascript:y) 01234 567890.</p>\n")


def test_unknown_token_is_left_visible_for_the_checker() -> None:
    assert render_markdown("{{protocol.nope}}") == "<p>{{protocol.nope}}</p>\n"


def test_references_finds_citations_tokens_and_callouts_but_not_in_code() -> None:
    refs = references(
        "[[APPX8 Step 3]] {{protocol.viewer}}\n\n`[[not a citation]]`\n\n::: do\nx\n:::\n"
    )
    assert refs.citations == ("APPX8 Step 3",)
    assert refs.tokens == ("protocol.viewer",)
    assert refs.containers == ("do",)


def test_one_parser_per_process() -> None:
    from training_app.content import render

    assert render.MD is MD and MD.options["html"] is False


ALLOWED_TAGS = {
    "p", "a", "strong", "em", "code", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li",
    "blockquote", "hr", "br", "aside", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
FRAGMENTS = [
    "<script>", "</script>", "javascript:", "[x](", ")", "<", ">", "[[", "]]", "{{", "}}",
    ":::", "::: do", "\n", "`", "&#", "<img src=x onerror=alert(1)>", '"', "'", "![a](",
]  # fmt: skip


@given(st.lists(st.one_of(st.text(max_size=20), st.sampled_from(FRAGMENTS)), max_size=12))
def test_generated_markdown_only_ever_yields_safe_tags_and_links(parts: list[str]) -> None:
    html = render_markdown("".join(parts))
    tags = set(re.findall(r"<\s*/?\s*([a-zA-Z][a-zA-Z0-9]*)", html))
    assert tags <= ALLOWED_TAGS
    for href in re.findall(r'<a [^>]*href="([^"]*)"', html):
        assert href.startswith(("http:", "https:", "mailto:", "/")) or ":" not in href.split("/")[0]
