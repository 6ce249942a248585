"""The immediate-referral triggers, per edition.

``group-policy-2016`` (the default): the group policy's six criteria (UKCCIS-2016 §3.3) plus
``malicious_sharing``, the aggravating factor of §3.3's closing paragraph and §9.1 (Annex A)
questions 1-2. Sharing without consent but without malice is deliberately *not* a trigger: it
makes an incident aggravated (see ``decision.aggravating_factors``) but §3.3 lets the school
manage it.

``ukcis-2024``: the national advice's five criteria (UKCIS-2024 §2.2). Being groomed and concerns
about capacity to consent sit inside the coercion criterion; there is no separate
vulnerable / previously abused / social care criterion and no malicious-sharing one (the DSL
weighs those in the risk assessment, UKCIS-2024 §2.3).

Under both, financially motivated sexual extortion is blackmail (``coercion_or_blackmail``), and
a school whose protocol sets ``under_13_referral="always"`` adds ``under_13_involved``
(RUTLAND-2017 "For Designated Safeguarding Leads": any child under 13 involved).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .editions import GROUP_POLICY_2016, UKCIS_2024
from .facts import Facts
from .protocol import DEFAULT_PROTOCOL, LocalProtocol

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
    # §3.3 item 4 says "a pupil involved", so a pupil who is not pictured counts too. A concern
    # about capacity to consent (e.g. SEN) is the group policy's "vulnerable" (§9.1 Annex A).
    return facts.capacity_to_consent_concern or any(
        p.vulnerable or p.previously_abused or p.social_care_involved for p in facts.pupils
    )


def _coerced(facts: Facts) -> bool:
    # Extortion for money is blackmail, whoever does it (NCA alert; UKCIS-2024 §1.6).
    return facts.coercion_or_blackmail or facts.financially_motivated_extortion


def _coerced_2024(facts: Facts) -> bool:
    return _coerced(facts) or facts.capacity_to_consent_concern


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
        _coerced,
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

_S22 = "UKCIS-2024 §2.2"
# The 2024 advice is described, not vendored: its rules carry no quote (see described.py).
_RULES_2024: tuple[tuple[TriggerRule, Callable[[Facts], bool]], ...] = (
    (
        TriggerRule(
            "adult_involved",
            "An adult is involved",
            "Refer immediately: an adult (18 or over) is involved; the 2024 advice treats every "
            "adult-involved incident as child sexual abuse.",
            (_S22, "UKCIS-2024 §1.6"),
            "",
        ),
        lambda f: f.adult_involved,
    ),
    (
        TriggerRule(
            "coercion_or_blackmail",
            "A young person was coerced, blackmailed or groomed, or may lack capacity to consent",
            "Refer immediately: there is reason to believe a young person was coerced, "
            "blackmailed or groomed, or there are concerns about their capacity to consent "
            "(for example because of special educational needs).",
            (_S22,),
            "",
        ),
        _coerced_2024,
    ),
    (
        TriggerRule(
            "extreme_or_violent_content",
            "The content is unusual for their development, or violent",
            "Refer immediately: what you know suggests the imagery shows sexual acts unusual for "
            "the young person's developmental stage, or violence.",
            (_S22,),
            "",
        ),
        lambda f: f.content == "extreme_or_violent",
    ),
    (
        TriggerRule(
            "under_13_sexual_acts",
            "Sexual acts and a child in the imagery is under 13",
            "Refer immediately: the imagery involves sexual acts and a child in it is under 13.",
            (_S22, "UKCIS-2024 §1.7"),
            "",
        ),
        _under_13_sexual_acts,
    ),
    (
        TriggerRule(
            "immediate_risk_of_harm",
            "A young person is at immediate risk of harm",
            "Refer immediately: there is reason to believe a young person is at immediate risk "
            "of harm because of the sharing, for example they are suicidal or self-harming.",
            (_S22,),
            "",
        ),
        lambda f: f.immediate_risk_of_harm,
    ),
)

UNDER_13_INVOLVED = TriggerRule(
    "under_13_involved",
    "A child under 13 is involved (this school's protocol)",
    "Refer immediately: a child under 13 is involved, and this school's protocol refers every "
    "such incident, as RUTLAND-2017 does.",
    ('RUTLAND-2017 "For Designated Safeguarding Leads"',),
    "If an incident involves an adult, a child who has previously been abused and/or a child "
    "under 13, you should make an immediate referral.",
)

# The contract's vocabulary (group-policy-2016's triggers); ``under_13_involved`` only ever
# appears under a protocol that chooses it, so it is listed apart.
TRIGGER_RULES: tuple[TriggerRule, ...] = tuple(rule for rule, _ in _RULES)
TRIGGERS: tuple[str, ...] = tuple(rule.id for rule in TRIGGER_RULES)
PROTOCOL_TRIGGERS: tuple[str, ...] = (UNDER_13_INVOLVED.id,)
ALL_TRIGGERS: tuple[str, ...] = (*TRIGGERS, *PROTOCOL_TRIGGERS)
EDITION_TRIGGERS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {GROUP_POLICY_2016: TRIGGERS, UKCIS_2024: tuple(rule.id for rule, _ in _RULES_2024)}
)
_BY_EDITION: Mapping[str, Mapping[str, TriggerRule]] = MappingProxyType(
    {
        GROUP_POLICY_2016: MappingProxyType({r.id: r for r in (*TRIGGER_RULES, UNDER_13_INVOLVED)}),
        UKCIS_2024: MappingProxyType(
            {r.id: r for r in (*(rule for rule, _ in _RULES_2024), UNDER_13_INVOLVED)}
        ),
    }
)


def trigger_rule(trigger_id: str, edition: str = GROUP_POLICY_2016) -> TriggerRule:
    """Return the rule for ``trigger_id`` under ``edition``; KeyError if it has none."""
    try:
        return _BY_EDITION[edition][trigger_id]
    except KeyError:
        raise KeyError(f"unknown trigger: {trigger_id!r} ({edition})") from None


def _under_13_involved(facts: Facts, protocol: LocalProtocol) -> bool:
    # RUTLAND says "a child under 13": any pupil involved, pictured or not.
    return protocol.under_13_referral == "always" and any(p.age < UNDER_AGE for p in facts.pupils)


def find_triggers(
    facts: Facts, protocol: LocalProtocol = DEFAULT_PROTOCOL, edition: str | None = None
) -> tuple[str, ...]:
    """Return the ids of the triggers that hold, in the edition's order (default: protocol's)."""
    rules = _RULES_2024 if (edition or protocol.edition) == UKCIS_2024 else _RULES
    found = tuple(rule.id for rule, holds in rules if holds(facts))
    if _under_13_involved(facts, protocol):
        found += (UNDER_13_INVOLVED.id,)
    return found
