"""The immediate-referral triggers: UKCCIS-2016 §3.3's six criteria plus malicious sharing.

``malicious_sharing`` is the aggravating factor of §3.3's closing paragraph and §9.1 (Annex A)
questions 1-2. Sharing without consent but without malice is deliberately *not* a trigger: it
makes an incident aggravated (see ``decision.aggravating_factors``) but §3.3 lets the school
manage it.

RUTLAND-2017 "For Designated Safeguarding Leads" is broader: it refers any incident involving "a
child under 13". The contract's closed vocabulary follows UKCCIS-2016 §3.3 item 5 (sexual acts
*and* a pupil in the imagery under 13), so a school protocol cannot widen it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .facts import Facts

UNDER_AGE = 13
# The contract's content values are a severity scale, and every value above "sexual_acts" is
# taken to include it: imagery known to be extreme or violent is treated as showing sexual acts
# too (the cautious reading, like pictured=True), so a pictured under-13 still raises §3.3 item 5.
SEXUAL_ACTS_CONTENT: frozenset[str] = frozenset({"sexual_acts", "extreme_or_violent"})

# The lead-in that every §3.3 item completes; explain() prints it once above the items.
REFERRAL_LEAD_IN = (
    "An immediate referral to police or social care should be made if at this initial stage:"
)


@dataclass(frozen=True)
class TriggerRule:
    """One immediate-referral criterion; ``quote`` is verbatim from ``citations[0]``."""

    id: str
    label: str
    text: str
    citations: tuple[str, ...]
    quote: str


def _any_vulnerable(facts: Facts) -> bool:
    # §3.3 item 4 says "a pupil involved", so a pupil who is not pictured counts too.
    return any(p.vulnerable or p.previously_abused or p.social_care_involved for p in facts.pupils)


def _under_13_sexual_acts(facts: Facts) -> bool:
    # §3.3 item 5 says "any pupil in the imagery": only pictured pupils count, and 13 is not
    # under 13.
    return facts.content in SEXUAL_ACTS_CONTENT and any(
        p.pictured and p.age < UNDER_AGE for p in facts.pupils
    )


_RULES: tuple[tuple[TriggerRule, Callable[[Facts], bool]], ...] = (
    (
        TriggerRule(
            "adult_involved",
            "An adult is involved",
            "Refer immediately: an adult (18 or over) is involved in the incident.",
            (
                "UKCCIS-2016 §3.3",
                "APPX8 Step 2",
                'RUTLAND-2017 "For Designated Safeguarding Leads"',
            ),
            "The incident involves an adult",
        ),
        lambda f: f.adult_involved,
    ),
    (
        TriggerRule(
            "coercion_or_blackmail",
            "A child has been coerced or blackmailed",
            "Refer immediately: there is reason to believe a child was coerced, pressured, "
            "blackmailed or groomed.",
            ("UKCCIS-2016 §3.3", "UKCCIS-2016 §9.1 (Annex A)"),
            "There is reason to believe that a child has been coerced or blackmailed",
        ),
        lambda f: f.coercion_or_blackmail,
    ),
    (
        TriggerRule(
            "extreme_or_violent_content",
            "The content is extreme or violent",
            "Refer immediately: what you have been told about the imagery suggests it is "
            "extreme or violent.",
            ("UKCCIS-2016 §3.3",),
            "What you know about the imagery suggests the content is extreme or violent",
        ),
        lambda f: f.content == "extreme_or_violent",
    ),
    (
        TriggerRule(
            "vulnerable_pupil",
            "A pupil involved is vulnerable",
            "Refer immediately: a pupil involved (pictured or not) is vulnerable, has been "
            "abused before or is involved with children's social care.",
            (
                "UKCCIS-2016 §3.3",
                "UKCCIS-2016 §4.0",
                'RUTLAND-2017 "For Designated Safeguarding Leads"',
            ),
            "A pupil involved has been identified as vulnerable, previously been abused, or is "
            "currently involved with social care",
        ),
        _any_vulnerable,
    ),
    (
        TriggerRule(
            "under_13_sexual_acts",
            "Sexual acts and a pupil in the imagery is under 13",
            "Refer immediately: the imagery shows sexual acts and a pupil in it is under 13, "
            "and children under 13 cannot consent to sexual activity.",
            ("UKCCIS-2016 §3.3", "UKCCIS-2016 §9.1 (Annex A)"),
            "The imagery involves sexual acts and any pupil in the imagery is under 13",
        ),
        _under_13_sexual_acts,
    ),
    (
        TriggerRule(
            "immediate_risk_of_harm",
            "A pupil is at immediate risk of harm",
            "Refer immediately: there is reason to believe a pupil is at immediate risk of "
            "harm because the imagery has been shared.",
            ("UKCCIS-2016 §3.3", "APPX8 Step 1"),
            "You have reason to believe a pupil or pupil is at immediate risk of harm owing to "
            "the sharing of the imagery",
        ),
        lambda f: f.immediate_risk_of_harm,
    ),
    (
        TriggerRule(
            "malicious_sharing",
            "The imagery was shared maliciously",
            "Refer immediately: the imagery was shared with deliberate intent to harm, bully or "
            "humiliate, an aggravating factor.",
            ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3"),
            "The police should be informed if there was a deliberate intent to cause harm by "
            "sharing the imagery or if the imagery has been used to bully or blackmail a pupil.",
        ),
        lambda f: f.malicious_intent,
    ),
)

TRIGGER_RULES: tuple[TriggerRule, ...] = tuple(rule for rule, _ in _RULES)
TRIGGERS: tuple[str, ...] = tuple(rule.id for rule in TRIGGER_RULES)
_BY_ID: Mapping[str, TriggerRule] = MappingProxyType({r.id: r for r in TRIGGER_RULES})


def trigger_rule(trigger_id: str) -> TriggerRule:
    """Return the rule for ``trigger_id``; KeyError if it is not in ``TRIGGERS``."""
    try:
        return _BY_ID[trigger_id]
    except KeyError:
        raise KeyError(f"unknown trigger: {trigger_id!r}") from None


def find_triggers(facts: Facts) -> tuple[str, ...]:
    """Return the ids of the triggers that hold for ``facts``, in ``TRIGGERS`` order."""
    return tuple(rule.id for rule, holds in _RULES if holds(facts))
