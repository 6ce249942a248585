"""A school's local protocol: the choices the guidance leaves to the school.

The sources disagree on a few points (see ``training_app/guidance/README.md``, "Where the sources
disagree"). Each point is one field here, set per school by its administrators; the defaults
follow the edition's main document except where only a local source speaks to the situation.
A protocol can make the response stricter (e.g. add the police, or RUTLAND-2017's "any child
under 13" referral) but never removes an immediate-referral trigger of its edition.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from .editions import EDITION_IDS, GROUP_POLICY_2016
from .facts import FactsError, show_value

EDITION_CHOICES: tuple[str, ...] = EDITION_IDS
UNDER_13_REFERRAL_CHOICES: tuple[str, ...] = ("sexual_acts", "always")
DEVICE_POWER_CHOICES: tuple[str, ...] = ("flight_mode", "power_off")
VIEWING_RULE_CHOICES: tuple[str, ...] = ("ukccis", "appx8")
POLICE_THRESHOLD_CHOICES: tuple[str, ...] = ("ukccis", "aggravated", "dorset")
MAX_CONTACT_LENGTH = 200


class ProtocolError(FactsError):
    """A bad local-protocol value; ``field`` names it, e.g. ``protocol.device_power``."""


def _choice(name: str, value: object, choices: tuple[str, ...]) -> None:
    if value not in choices:
        allowed = ", ".join(f'"{c}"' for c in choices)
        raise ProtocolError(
            f"protocol.{name}", f"must be one of {allowed} (got {show_value(value)})"
        )


def _contact(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise ProtocolError(f"protocol.{name}", f"must be text (got {show_value(value)})")
    if len(value) > MAX_CONTACT_LENGTH or not value.isprintable() or value != value.strip():
        raise ProtocolError(
            f"protocol.{name}",
            f"must be one line of at most {MAX_CONTACT_LENGTH} characters, "
            "without leading or trailing spaces",
        )


@dataclass(frozen=True)
class LocalProtocol:
    """One school's choices where the guidance sources disagree or leave details to the area.

    ``device_power`` -- what staff do with a confiscated device: ``"flight_mode"`` (default)
    or ``"power_off"``. ``RUTLAND-2017 "For any setting where there are concerns"`` says flight
    mode, because switching off can interfere with data an investigation needs;
    ``UKCCIS-2016 §3.8`` says turn the phone off and lock it away when it is to go to the
    police. The default is flight mode because only RUTLAND-2017 speaks to the first
    responder, before anyone knows whether the police will be involved, and it keeps the data.

    ``viewing_rule`` -- who may search a device or view imagery when that is unavoidable:
    ``"ukccis"`` (default: one member of staff, the DSL or a safeguarding-team member with the
    headteacher's delegated authority, same sex as the pupil pictured, headteacher told
    first; ``UKCCIS-2016 §5.1``) or ``"appx8"`` (the headteacher or someone they authorise, with
    a member of the safeguarding team present, same sex; ``APPX8 Step 2``). The default is the
    national guidance, which also keeps the number of people who see the imagery to one.

    ``police_threshold`` -- when to involve the police: ``"ukccis"`` (default: the
    immediate-referral criteria of ``UKCCIS-2016 §3.3`` and the police questions of
    ``UKCCIS-2016 §9.1 (Annex A)``), ``"aggravated"`` (also every aggravated incident:
    ``APPX8 Step 2`` "it will almost always be proportionate") or ``"dorset"`` (also
    aggravated sharing and any imagery known to be nude, sexual or extreme, i.e. illegal
    images: ``DORSET "Dealing with the incident"``). Stricter thresholds add the police to the
    agencies; they never add triggers, so ``refer_immediately`` still means §3.3 applies.

    ``police_contact`` and ``social_care_contact`` -- this school's local routes, e.g. a safer
    schools officer or a local authority duty team and its number (``RUTLAND-2017
    "Escalating the incident"`` gives one county's). Empty (default) means the national
    wording: ``UKCCIS-2016 §3.7`` for the police, ``UKCCIS-2016 §4.0`` for social care.

    ``edition`` -- which guidance the school's training follows (see ``editions.EDITIONS``):
    ``"group-policy-2016"`` (default: the school group's policy based on the 2016 advice, so
    existing schools keep today's behaviour) or ``"ukcis-2024"`` (the current national advice).

    ``under_13_referral`` -- when a child under 13 makes an incident an immediate referral:
    ``"sexual_acts"`` (default, the national wording: the imagery involves sexual acts and a
    pictured child is under 13; ``UKCCIS-2016 §3.3``, ``UKCIS-2024 §2.2``) or ``"always"``
    (any child under 13 involved: ``RUTLAND-2017 "For Designated Safeguarding Leads"``).
    """

    device_power: str = "flight_mode"
    viewing_rule: str = "ukccis"
    police_threshold: str = "ukccis"
    police_contact: str = ""
    social_care_contact: str = ""
    edition: str = GROUP_POLICY_2016
    under_13_referral: str = "sexual_acts"

    def __post_init__(self) -> None:
        _choice("edition", self.edition, EDITION_CHOICES)
        _choice("under_13_referral", self.under_13_referral, UNDER_13_REFERRAL_CHOICES)
        _choice("device_power", self.device_power, DEVICE_POWER_CHOICES)
        _choice("viewing_rule", self.viewing_rule, VIEWING_RULE_CHOICES)
        _choice("police_threshold", self.police_threshold, POLICE_THRESHOLD_CHOICES)
        _contact("police_contact", self.police_contact)
        _contact("social_care_contact", self.social_care_contact)


DEFAULT_PROTOCOL = LocalProtocol()
PROTOCOL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(LocalProtocol))


def parse_protocol(data: object) -> LocalProtocol:
    """Build a ``LocalProtocol`` from a decoded-JSON mapping; missing fields take defaults.

    Rows saved before a field existed simply lack it, so they read as that field's default.
    """
    if not isinstance(data, Mapping):
        raise ProtocolError("protocol", "must be a JSON object")
    for key in data:
        if key not in PROTOCOL_FIELDS:
            name = key if isinstance(key, str) and key.isidentifier() else show_value(key)
            raise ProtocolError(
                f"protocol.{name}", f"unknown field (known fields: {', '.join(PROTOCOL_FIELDS)})"
            )
    values: dict[str, Any] = dict(data)
    return LocalProtocol(**values)


def protocol_to_dict(protocol: LocalProtocol) -> dict[str, str]:
    """Return the protocol as a JSON-ready dict that ``parse_protocol`` reads back."""
    return {name: getattr(protocol, name) for name in PROTOCOL_FIELDS}
