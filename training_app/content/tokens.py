"""Protocol tokens: `{{protocol.NAME}}` in content, resolved from a school's LocalProtocol.

A small fixed vocabulary, so content can say what *this* school does where the guidance
sources disagree (decided by the school's administrators), without any template logic.
Each token is plain text that reads naturally mid-sentence; unknown names are check errors.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import MappingProxyType

from training_app.rules import DEFAULT_PROTOCOL, LocalProtocol

PREFIX = "protocol."

_DEVICE_ACTION = {"flight_mode": "switch it to flight mode", "power_off": "switch it off"}
_DEVICE_STATE = {"flight_mode": "in flight mode", "power_off": "switched off"}
_DEVICE_SOURCE = {
    "flight_mode": 'RUTLAND-2017 "For any setting where there are concerns"',
    "power_off": "UKCCIS-2016 §3.8",
}
_DEVICE_REASON = {
    "flight_mode": "flight mode keeps data that an investigation may need, and switching a "
    "device off can sometimes interfere with that data",
    "power_off": "a phone that may go to the police should be turned off and kept under lock "
    "and key until they collect it",
}
_VIEWER = {
    "ukccis": "one member of staff: the DSL, or a member of the safeguarding team the "
    "headteacher has authorised, of the same sex as the pupil pictured",
    "appx8": "the headteacher or someone they authorise, with a member of the safeguarding "
    "team present, of the same sex as the pupil pictured",
}
_POLICE_THRESHOLD = {
    "ukccis": "when one of the immediate-referral criteria applies, or Annex A's questions "
    "point to the police",
    "aggravated": "for every aggravated incident, as well as when one of the "
    "immediate-referral criteria applies",
    "dorset": "for aggravated sharing, for imagery known to be illegal, and whenever an adult "
    "is or may be involved, as well as when one of the immediate-referral criteria applies",
}
_POLICE_CONTACT = (
    "through the school's usual police contact: a safer schools officer, a PCSO, the local "
    "neighbourhood police or 101"
)
_SOCIAL_CARE_CONTACT = (
    "through the local authority's initial point of contact for children's social care"
)

TOKENS: Mapping[str, Callable[[LocalProtocol], str]] = MappingProxyType(
    {
        "device_action": lambda p: _DEVICE_ACTION[p.device_power],
        "device_state": lambda p: _DEVICE_STATE[p.device_power],
        "device_reason": lambda p: _DEVICE_REASON[p.device_power],
        "device_source": lambda p: _DEVICE_SOURCE[p.device_power],
        "viewer": lambda p: _VIEWER[p.viewing_rule],
        "police_threshold": lambda p: _POLICE_THRESHOLD[p.police_threshold],
        "police_contact": lambda p: p.police_contact or _POLICE_CONTACT,
        "social_care_contact": lambda p: p.social_care_contact or _SOCIAL_CARE_CONTACT,
    }
)
TOKEN_NAMES: tuple[str, ...] = tuple(PREFIX + name for name in TOKENS)


def resolve_token(name: str, protocol: LocalProtocol | None) -> str | None:
    """Return the text of token `name` (e.g. `protocol.device_action`); None if unknown."""
    if not name.startswith(PREFIX) or name[len(PREFIX) :] not in TOKENS:
        return None
    return TOKENS[name[len(PREFIX) :]](protocol or DEFAULT_PROTOCOL)
