"""Every quote the engine shows is verbatim from the guidance section it cites first."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from training_app.rules import (
    TRIGGER_RULES,
    LocalProtocol,
    action_rules,
    decide,
    parse_facts,
    quote_in_section,
    section,
)
from training_app.rules.protocol import (
    DEVICE_POWER_CHOICES,
    POLICE_THRESHOLD_CHOICES,
    VIEWING_RULE_CHOICES,
)
from training_app.rules.triggers import REFERRAL_LEAD_IN

VECTOR_DIR = Path(__file__).parent / "vectors"
PROTOCOLS = [
    LocalProtocol(device_power=d, viewing_rule=v, police_threshold=p)
    for d, v, p in itertools.product(
        DEVICE_POWER_CHOICES, VIEWING_RULE_CHOICES, POLICE_THRESHOLD_CHOICES
    )
]


def _all_quotes() -> list[tuple[str, str, str]]:
    """Return (where, citation, quote) for every quote the engine can produce."""
    found = [("REFERRAL_LEAD_IN", "UKCCIS-2016 §3.3", REFERRAL_LEAD_IN)]
    found += [(f"trigger {r.id}", r.citations[0], r.quote) for r in TRIGGER_RULES]
    for protocol in [None, *PROTOCOLS]:
        found += [(f"action {r.id}", r.citations[0], r.quote) for r in action_rules(protocol)]
    for path in sorted(VECTOR_DIR.glob("*.json")):
        facts = parse_facts(json.loads(path.read_text(encoding="utf-8"))["facts"])
        for protocol in PROTOCOLS:
            for key, reason in decide(facts, protocol).reasons.items():
                found.append((f"{path.stem} reason {key}", reason.citations[0], reason.quote))
    return sorted(set(found))


QUOTES = _all_quotes()


def test_every_rule_and_reason_has_a_quote() -> None:
    assert all(quote.strip() for _, _, quote in QUOTES)


@pytest.mark.parametrize(
    ("citation", "quote"),
    sorted({(c, q) for _, c, q in QUOTES}),
    ids=lambda value: value[:40],
)
def test_quote_is_verbatim_in_cited_section(
    citation: str, quote: str, guidance: dict[str, str]
) -> None:
    document = guidance[section(citation).source]
    assert quote_in_section(quote, citation, document), f"{quote!r} is not in {citation}"


def test_a_misattributed_quote_is_caught(guidance: dict[str, str]) -> None:
    # The §3.3 criterion is not in §3.4: the check is per section, not per file.
    quote = "The incident involves an adult"
    assert quote_in_section(quote, "UKCCIS-2016 §3.3", guidance["UKCCIS-2016"])
    assert not quote_in_section(quote, "UKCCIS-2016 §3.4", guidance["UKCCIS-2016"])
    assert not quote_in_section(
        "The incident involves a teacher", "UKCCIS-2016 §3.3", guidance["UKCCIS-2016"]
    )
