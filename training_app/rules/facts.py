"""Facts of an incident (the input of ``decide``) and their strict validation.

Every bad input raises one ``FactsError`` naming the field, e.g.
``pupils[1].age: must be an integer from 0 to 17 (got 18)``. Booleans must be real booleans and
ages real integers: ``1``, ``"true"``, ``12.5`` and ``"12"`` are rejected rather than guessed at,
because a guessed fact could change whether a child is referred.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any

CONTENT_VALUES: tuple[str, ...] = (
    "unknown",
    "semi_nude",
    "nude",
    "sexual_acts",
    "extreme_or_violent",
)
MIN_AGE = 0
MAX_AGE = 17


class FactsError(ValueError):
    """Bad facts: ``field`` names the offending field (e.g. ``pupils[0].age``)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


def show_value(value: object) -> str:
    """Return a short one-line JSON-style rendering of ``value`` for an error message."""
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_bool(field: str, value: object) -> None:
    if not isinstance(value, bool):
        raise FactsError(field, f"must be true or false (got {show_value(value)})")


def _check_age(field: str, value: object) -> None:
    # bool is a subclass of int, so it has to be ruled out explicitly.
    if isinstance(value, bool) or not isinstance(value, int) or not MIN_AGE <= value <= MAX_AGE:
        raise FactsError(
            field, f"must be an integer from {MIN_AGE} to {MAX_AGE} (got {show_value(value)})"
        )


@dataclass(frozen=True)
class Pupil:
    """A child involved in the incident; ``pictured`` defaults to True, the cautious reading."""

    age: int
    pictured: bool = True
    vulnerable: bool = False
    previously_abused: bool = False
    social_care_involved: bool = False

    def __post_init__(self) -> None:
        _check_age("age", self.age)
        for name in PUPIL_FIELDS[1:]:
            _check_bool(name, getattr(self, name))


@dataclass(frozen=True)
class Facts:
    """What is known about an incident; a missing boolean means "not known to be true"."""

    pupils: tuple[Pupil, ...]
    adult_involved: bool = False
    coercion_or_blackmail: bool = False
    content: str = "unknown"
    immediate_risk_of_harm: bool = False
    shared_without_consent: bool = False
    malicious_intent: bool = False
    shared_online: bool = False
    contacted_by_strangers: bool = False
    parents_pose_risk: bool = False
    perpetrator_unknown_online: bool = False
    financially_motivated_extortion: bool = False
    imagery_ai_generated_or_altered: bool = False
    capacity_to_consent_concern: bool = False
    other_school_pupils_involved: bool = False

    def __post_init__(self) -> None:
        pupils: object = self.pupils
        if isinstance(pupils, list):
            # Callers often build the list in place; store a tuple so Facts stays hashable.
            pupils = tuple(pupils)
            object.__setattr__(self, "pupils", pupils)
        if not isinstance(pupils, tuple):
            raise FactsError("pupils", f"must be a list of pupils (got {show_value(pupils)})")
        if not pupils:
            raise FactsError("pupils", "must list at least one pupil (got [])")
        for index, pupil in enumerate(pupils):
            if not isinstance(pupil, Pupil):
                raise FactsError(f"pupils[{index}]", f"must be a pupil (got {show_value(pupil)})")
        for name in FACT_FIELDS[1:]:
            value = getattr(self, name)
            if name == "content":
                if value not in CONTENT_VALUES:
                    allowed = ", ".join(f'"{v}"' for v in CONTENT_VALUES)
                    raise FactsError(name, f"must be one of {allowed} (got {show_value(value)})")
            else:
                _check_bool(name, value)


PUPIL_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Pupil))
FACT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Facts))


class _Object(dict[str, Any]):
    """A decoded JSON object that remembers the first key it saw twice."""

    duplicate: str | None = None


def _key_text(key: object) -> str:
    # A key with spaces or control characters must not break the one-line error message.
    if isinstance(key, str) and key.isidentifier() and len(key) <= 40:
        return key
    return show_value(key)


def _check_keys(prefix: str, data: Mapping[str, object], known: Sequence[str]) -> None:
    duplicate = getattr(data, "duplicate", None)
    if duplicate is not None:
        # json.loads would silently keep the last value; a repeated fact is ambiguous.
        raise FactsError(f"{prefix}{_key_text(duplicate)}", "appears more than once")
    for key in data:
        if key not in known:
            raise FactsError(
                f"{prefix}{_key_text(key)}", f"unknown field (known fields: {', '.join(known)})"
            )


def _parse_pupil(index: int, data: object) -> Pupil:
    prefix = f"pupils[{index}]"
    if not isinstance(data, Mapping):
        raise FactsError(prefix, f"must be an object (got {show_value(data)})")
    _check_keys(f"{prefix}.", data, PUPIL_FIELDS)
    if "age" not in data:
        raise FactsError(f"{prefix}.age", f"is required: an integer from {MIN_AGE} to {MAX_AGE}")
    try:
        return Pupil(**dict(data))
    except FactsError as error:
        raise FactsError(f"{prefix}.{error.field}", error.message) from None


def parse_facts(data: object) -> Facts:
    """Build ``Facts`` from a decoded-JSON mapping; raise ``FactsError`` on the first bad field."""
    if not isinstance(data, Mapping):
        raise FactsError("facts", f"must be a JSON object (got {show_value(data)})")
    _check_keys("", data, FACT_FIELDS)
    if "pupils" not in data:
        raise FactsError("pupils", "is required: a list of at least one pupil")
    raw_pupils = data["pupils"]
    if not isinstance(raw_pupils, list):
        raise FactsError(
            "pupils", f"must be a list of pupil objects (got {show_value(raw_pupils)})"
        )
    if not raw_pupils:
        raise FactsError("pupils", "must list at least one pupil (got [])")
    pupils = tuple(_parse_pupil(i, p) for i, p in enumerate(raw_pupils))
    others: dict[str, Any] = {k: v for k, v in data.items() if k != "pupils"}
    return Facts(pupils=pupils, **others)


def _reject_constant(name: str) -> None:
    raise ValueError(f"{name} is not allowed in JSON")


def _object(pairs: list[tuple[str, Any]]) -> _Object:
    result = _Object()
    for key, value in pairs:
        if key in result and result.duplicate is None:
            result.duplicate = key
        result[key] = value
    return result


def load_facts_json(text: str) -> Facts:
    """Parse facts from JSON text; raise ``FactsError`` (field ``facts`` if it is not JSON)."""
    try:
        data = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_object)
    except ValueError as error:
        raise FactsError("facts", f"not valid JSON ({error})") from None
    except RecursionError:
        raise FactsError("facts", "not valid JSON (nested too deeply)") from None
    return parse_facts(data)


def facts_to_dict(facts: Facts) -> dict[str, Any]:
    """Return the facts as a JSON-ready dict that ``parse_facts`` turns back into equal facts."""
    result: dict[str, Any] = {
        "pupils": [{name: getattr(p, name) for name in PUPIL_FIELDS} for p in facts.pupils]
    }
    result.update({name: getattr(facts, name) for name in FACT_FIELDS[1:]})
    return result
