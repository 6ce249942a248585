"""Which agencies to involve (police, children's social care, CEOP), each with its reasons.

Every trigger leads to the police or children's social care, because §3.3 asks for "an immediate
referral to police or social care"; which one follows the more specific passage for that
trigger. CEOP (the NCA's child protection command) is added whenever a child may be being
abused, exploited or groomed online (UKCCIS-2016 §9.3 Annex C): adult involvement, contact by
strangers who saw the imagery, someone known only online asking for, receiving or threatening
to share imagery, and any financially motivated extortion; not for incidents between pupils who
know each other. A school's ``police_threshold`` may add the police for incidents without a
trigger (never remove them).
"""

from __future__ import annotations

from dataclasses import dataclass

from .facts import Facts
from .model import AGENCIES, Reason
from .protocol import LocalProtocol


@dataclass(frozen=True)
class _Ground:
    """One reason an agency is involved: ``quote`` is verbatim from ``citations[0]``."""

    text: str
    citations: tuple[str, ...]
    quote: str


_APPX8_AGGRAVATED = (
    "As a general rule it will almost always be proportionate to refer any incident involving "
    "“aggravated” sharing of images to the police, whereas purely “experimental” conduct may "
    "proportionately be dealt with without such referral, most particularly if it involves the "
    "child sharing images of themselves."
)
_DORSET_POLICE = (
    "It is generally proportionate to refer any incidents to the police which involve, or "
    "possibly involve, adults; where there are any illegal images; where there is aggravated "
    "sharing of images."
)
# Known without viewing to be nude, sexual or extreme: "indecent", so illegal (UKCCIS §2.0).
ILLEGAL_CONTENT: frozenset[str] = frozenset({"nude", "sexual_acts", "extreme_or_violent"})

_RUTLAND_DSL = 'RUTLAND-2017 "For Designated Safeguarding Leads"'
_RUTLAND_UNDER_13 = (
    "If an incident involves an adult, a child who has previously been abused and/or a child "
    "under 13, you should make an immediate referral."
)
_BLACKMAIL_QUOTE = (
    "The police should be informed if there was a deliberate intent to cause harm by sharing "
    "the imagery or if the imagery has been used to bully or blackmail a pupil."
)
_CEOP_QUOTE = (
    "If you are concerned that a child is being sexually abused, exploited or groomed online you "
    "should report to CEOP"
)
_WIDER_WELFARE = (
    "Where there are wider concerns about the care and welfare of a pupil then consideration "
    "should be given to referring to children’s social care."
)

_POLICE: dict[str, _Ground] = {
    "adult_involved": _Ground(
        "an adult is involved, and adult involvement always goes to the police",
        ("APPX8 Step 2", "UKCCIS-2016 §3.3", 'DORSET "Dealing with the incident"'),
        "Any conduct involving, or possibly involving, the knowledge or participation of adults "
        "should always be referred to the police.",
    ),
    "coercion_or_blackmail": _Ground(
        "a child was pressured, coerced or blackmailed",
        ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3"),
        "A referral should be made to the police if a child has been pressured or coerced into "
        "sharing an image, or imagery is being shared without consent and with malicious intent.",
    ),
    "extreme_or_violent_content": _Ground(
        "the imagery is said to be extreme or violent, which suggests acts no child of that age "
        "would be expected to engage in, and such imagery is illegal",
        ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3", 'DORSET "Dealing with the incident"'),
        "If you believe the imagery contains acts which you would not expect a child of that age "
        "to engage in then you should refer to the police.",
    ),
    "under_13_sexual_acts": _Ground(
        "sexual activity by a child under 13 always goes to the police",
        ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3"),
        "Any imagery containing sexual activity by under 13s should be referred to the police.",
    ),
    "malicious_sharing": _Ground(
        "the imagery was shared with deliberate intent to harm",
        ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3"),
        _BLACKMAIL_QUOTE,
    ),
}
_EXTORTION_POLICE = _Ground(
    "the young person is being blackmailed for money with nude or semi-nude imagery; this "
    "financially motivated sexual extortion is child sexual abuse, usually by organised "
    "criminals, and the young person is a victim, never to blame",
    ("UKCCIS-2016 §9.1 (Annex A)", 'NCA-SEXTORTION-2024 "What it is"', "UKCIS-2024 §1.6"),
    _BLACKMAIL_QUOTE,
)
_UNDER_13_PROTOCOL = _Ground(
    "a child under 13 is involved, and this school's protocol refers every such incident",
    (_RUTLAND_DSL, 'RUTLAND-2017 "Escalating the incident"'),
    _RUTLAND_UNDER_13,
)

_SOCIAL_CARE: dict[str, _Ground] = {
    # Whether the adult asked for, received, kept or shared the imagery: the law exists to
    # protect children from adults (§2.1), so any adult involvement is a child protection
    # concern. (§1.4's "sharing ... by adults" covers only an adult who shares.)
    "adult_involved": _Ground(
        "an adult asking for, receiving, keeping or sharing nudes or semi-nudes of a child is a "
        "child protection concern: the law on indecent images exists to protect children from "
        "adults seeking to abuse them",
        ("UKCCIS-2016 §2.1", "APPX8 Step 2", 'DORSET "Dealing with the incident"'),
        "It was also created to protect children and young people from adults looking to "
        "sexually abuse them or gain pleasure from their sexual abuse.",
    ),
    "under_13_sexual_acts": _Ground(
        "children under 13 cannot consent to sexual activity, so this is a high-risk, child "
        "protection incident",
        ("UKCCIS-2016 §9.1 (Annex A)", 'DORSET "Dealing with the incident"'),
        "Children under the age of 13 are unable to consent to sexual activity.",
    ),
    "immediate_risk_of_harm": _Ground(
        "a pupil at immediate risk of harm may need immediate protection",
        ("APPX8 Step 1", "UKCCIS-2016 §3.3", 'DORSET "Dealing with the incident"'),
        "They may even need immediate protection or a referral to Social Care.",
    ),
}

_SOCIAL_CARE_INVOLVED = _Ground(
    "children's social care already work with a pupil involved and must be told",
    ("UKCCIS-2016 §4.0", "UKCCIS-2016 §3.3"),
    "If the Designated Safeguarding Lead is aware that children’s social care are currently "
    "involved with a pupil involved in an incident of youth produced sexual imagery then they "
    "must contact Children’s Social Care to inform them of the incident.",
)
_VULNERABLE = _Ground(
    "a pupil involved is vulnerable or has been abused before, a wider concern for their care "
    "and welfare",
    ("UKCCIS-2016 §9.1 (Annex A)", "UKCCIS-2016 §3.3"),
    _WIDER_WELFARE,
)
_CAPACITY = _Ground(
    "there are concerns about a young person's capacity to consent (for example because of "
    "special educational needs), a wider concern for their care and welfare",
    ("UKCCIS-2016 §9.1 (Annex A)", "UKCIS-2024 §2.2"),
    _WIDER_WELFARE,
)

_CEOP_ADULT = _Ground(
    "an adult is involved, so the child may be being sexually abused, exploited or groomed online",
    ("UKCCIS-2016 §9.3 (Annex C)", "APPX8 Step 2", "UKCCIS-2016 §9.2 (Annex B)"),
    "If you are concerned that a child is being sexually abused, exploited or groomed online you "
    "should report to CEOP",
)
_CEOP_ONLINE = _Ground(
    "someone the young person knows only online asked for, received or is threatening to share "
    "the imagery, so they may be being exploited or groomed online",
    ("UKCCIS-2016 §9.3 (Annex C)", "UKCIS-2024 §1.6"),
    _CEOP_QUOTE,
)
_CEOP_EXTORTION = _Ground(
    "the young person is being blackmailed for money online, a form of online sexual "
    "exploitation that CEOP and the National Crime Agency act on",
    ("UKCCIS-2016 §9.3 (Annex C)", 'NCA-SEXTORTION-2024 "How to respond"'),
    _CEOP_QUOTE,
)
_CEOP_STRANGERS = _Ground(
    "a pupil is being contacted by people they don't know who have seen the imagery",
    ("UKCCIS-2016 §9.1 (Annex A)",),
    "If the child is being contacted by people they don’t know who have viewed the image then "
    "you should report to CEOP.",
)


def _police_grounds(
    facts: Facts, triggers: tuple[str, ...], aggravated: bool, protocol: LocalProtocol
) -> list[_Ground]:
    grounds = [_POLICE[t] for t in triggers if t in _POLICE and _police_for(t, facts)]
    if facts.financially_motivated_extortion:
        grounds.append(_EXTORTION_POLICE)
    if grounds or protocol.police_threshold == "ukccis":
        return grounds
    if aggravated:
        if protocol.police_threshold == "aggravated":
            return [
                _Ground(
                    "this school's protocol refers every aggravated incident to the police",
                    ("APPX8 Step 2", 'DORSET "Dealing with the incident"'),
                    _APPX8_AGGRAVATED,
                )
            ]
        return [
            _Ground(
                "this school's protocol refers aggravated sharing to the police",
                ('DORSET "Dealing with the incident"', "APPX8 Step 2"),
                _DORSET_POLICE,
            )
        ]
    if protocol.police_threshold == "dorset" and facts.content in ILLEGAL_CONTENT:
        return [
            _Ground(
                "this school's protocol refers imagery known to be nude or sexual (illegal "
                "images of a child) to the police",
                ('DORSET "Dealing with the incident"', "UKCCIS-2016 §2.0"),
                _DORSET_POLICE,
            )
        ]
    return []


def _police_for(trigger: str, facts: Facts) -> bool:
    # Under the 2024 advice a capacity-to-consent concern alone raises the coercion criterion;
    # that is a welfare concern for social care (below), not a report of a crime.
    if trigger == "coercion_or_blackmail":
        return facts.coercion_or_blackmail or facts.financially_motivated_extortion
    return True


def _social_care_grounds(facts: Facts, triggers: tuple[str, ...]) -> list[_Ground]:
    grounds: list[_Ground] = []
    if any(p.social_care_involved for p in facts.pupils):
        grounds.append(_SOCIAL_CARE_INVOLVED)
    if any(p.vulnerable or p.previously_abused for p in facts.pupils):
        grounds.append(_VULNERABLE)
    if facts.capacity_to_consent_concern:
        grounds.append(_CAPACITY)
    grounds.extend(_SOCIAL_CARE[t] for t in triggers if t in _SOCIAL_CARE)
    if "under_13_involved" in triggers:
        grounds.append(_UNDER_13_PROTOCOL)
    return grounds


def _ceop_grounds(facts: Facts) -> list[_Ground]:
    grounds: list[_Ground] = []
    if facts.adult_involved:
        grounds.append(_CEOP_ADULT)
    if facts.financially_motivated_extortion:
        grounds.append(_CEOP_EXTORTION)
    elif facts.perpetrator_unknown_online:
        grounds.append(_CEOP_ONLINE)
    if facts.contacted_by_strangers:
        grounds.append(_CEOP_STRANGERS)
    return grounds


_LEADS = {
    "police": "Involve the police",
    "childrens_social_care": "Involve children's social care",
    "ceop": "Report to CEOP",
}


@dataclass(frozen=True)
class AgencyChoice:
    """One agency to involve: ``why`` is the plain reason, ``reason`` the cited explanation."""

    agency: str
    why: str
    reason: Reason


def _choice(agency: str, grounds: list[_Ground]) -> AgencyChoice:
    citations: list[str] = []
    for ground in grounds:
        citations.extend(c for c in ground.citations if c not in citations)
    why = "; ".join(g.text for g in grounds) + "."
    reason = Reason(f"{_LEADS[agency]}: {why}", tuple(citations), grounds[0].quote)
    return AgencyChoice(agency, why, reason)


def choose_agencies(
    facts: Facts, triggers: tuple[str, ...], aggravated: bool, protocol: LocalProtocol
) -> tuple[AgencyChoice, ...]:
    """Return each agency to involve, in ``AGENCIES`` order, with the reason for it."""
    grounds = {
        "police": _police_grounds(facts, triggers, aggravated, protocol),
        "childrens_social_care": _social_care_grounds(facts, triggers),
        "ceop": _ceop_grounds(facts),
    }
    return tuple(_choice(a, grounds[a]) for a in AGENCIES if grounds[a])
