"""A class lesson's words are rendered without citation codes, and read as clean sentences."""

from __future__ import annotations

from training_app.content.render import references, render_markdown

TEXT = """Most young people don't [[UKCCIS-2016 §1.6]]. Being asked is not your fault
[[UKCCIS-2016 §6.0]]
[[UKCCIS-2016 §9.2 (Annex B)]]. Tell someone.

[[UKCCIS-2016 §9.1 (Annex A)]] [[WHAT-IS "What Is Sexting?"]]

- **Childline** [[UKCCIS-2016 §9.2 (Annex B)]] can help.
- Block them [[UKCCIS-2016 §9.3 (Annex C)]]

::: law
Images of anyone under 18 [[UKCCIS-2016 §2.0]].
:::
"""


def test_hidden_citations_leave_clean_sentences():
    html = render_markdown(TEXT, hide_citations=True)
    assert "§" not in html and "UKCCIS" not in html and "WHAT-IS" not in html
    assert "<p>Most young people don't. Being asked is not your fault. Tell someone.</p>" in html
    assert "<li><strong>Childline</strong> can help.</li>" in html
    assert "<li>Block them</li>" in html
    assert "<p>Images of anyone under 18.</p>" in html
    # The paragraph that held only citations is gone, not left empty.
    assert "<p></p>" not in html and html.count("<p>") == 2


def test_staff_rendering_and_the_checker_still_see_every_citation():
    html = render_markdown(TEXT)
    assert html.count('class="citation"') == 8
    assert len(references(TEXT).citations) == 8
