"""Checks a statement against the xAPI 1.0.3 rules it must meet (pure stdlib).

Written from the specification's Data section (part two: statement properties, actor,
verb, object, result, context, timestamp), not a package: the rules are few and the
platform's statements use a small part of them. The tests check the same statements with
the LRS's own validating models as well (tests/xapi).
"""

from __future__ import annotations

import re
import uuid
from datetime import datetime
from typing import Any

_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")
_IFIS = ("mbox", "mbox_sha1sum", "openid", "account")


def _is_uuid(value: object) -> bool:
    try:
        return isinstance(value, str) and str(uuid.UUID(value)) == value.lower()
    except ValueError:
        return False


def _is_iri(value: object) -> bool:
    return isinstance(value, str) and bool(_IRI.match(value))


def _language_map(value: object) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, str) for k, v in value.items()
    )


def _extensions(value: object, where: str, errors: list[str]) -> None:
    if not isinstance(value, dict) or not all(_is_iri(k) for k in value):
        errors.append(f"{where}.extensions: keys must be IRIs")


def _actor(actor: object, errors: list[str]) -> None:
    if not isinstance(actor, dict):
        errors.append("actor: required")
        return
    if actor.get("objectType", "Agent") != "Agent":
        errors.append("actor.objectType: only Agent is used")
    found = [key for key in _IFIS if key in actor]
    if len(found) != 1:
        errors.append("actor: exactly one inverse functional identifier")
        return
    value = actor[found[0]]
    if found[0] == "mbox_sha1sum" and not (isinstance(value, str) and _SHA1.match(value)):
        errors.append("actor.mbox_sha1sum: 40 lower-case hex digits")
    if found[0] == "mbox" and not (isinstance(value, str) and value.startswith("mailto:")):
        errors.append("actor.mbox: a mailto: IRI")
    if found[0] == "account" and not (
        isinstance(value, dict) and _is_iri(value.get("homePage")) and value.get("name")
    ):
        errors.append("actor.account: homePage (IRL) and name")


def _object(obj: object, verb_id: object, errors: list[str]) -> None:
    if not isinstance(obj, dict):
        errors.append("object: required")
        return
    kind = obj.get("objectType", "Activity")
    if verb_id == "http://adlnet.gov/expapi/verbs/voided" and kind != "StatementRef":
        errors.append("object: a voiding statement's object is a StatementRef")
    if kind == "StatementRef":
        if not _is_uuid(obj.get("id")):
            errors.append("object.id: a StatementRef's id is a UUID")
        return
    if kind != "Activity" or not _is_iri(obj.get("id")):
        errors.append("object: an Activity with an IRI id")
    definition = obj.get("definition", {})
    if not isinstance(definition, dict):
        errors.append("object.definition: an object")
        return
    if "name" in definition and not _language_map(definition["name"]):
        errors.append("object.definition.name: a language map")
    if "type" in definition and not _is_iri(definition["type"]):
        errors.append("object.definition.type: an IRI")


def _result(result: object, errors: list[str]) -> None:
    if not isinstance(result, dict):
        errors.append("result: an object")
        return
    for flag in ("success", "completion"):
        if flag in result and not isinstance(result[flag], bool):
            errors.append(f"result.{flag}: a boolean")
    if "response" in result and not isinstance(result["response"], str):
        errors.append("result.response: a string")
    score = result.get("score")
    if score is not None:
        scaled = score.get("scaled")
        if scaled is not None and not -1 <= scaled <= 1:
            errors.append("result.score.scaled: between -1 and 1")
        low, high, raw = score.get("min"), score.get("max"), score.get("raw")
        if raw is not None and low is not None and high is not None and not low <= raw <= high:
            errors.append("result.score.raw: between min and max")
    if "extensions" in result:
        _extensions(result["extensions"], "result", errors)


def _context(context: object, errors: list[str]) -> None:
    if not isinstance(context, dict):
        errors.append("context: an object")
        return
    if "registration" in context and not _is_uuid(context["registration"]):
        errors.append("context.registration: a UUID")
    for key, activities in context.get("contextActivities", {}).items():
        if key not in {"parent", "grouping", "category", "other"}:
            errors.append(f"context.contextActivities.{key}: not a context activity type")
        elif not isinstance(activities, list) or not all(_is_iri(a.get("id")) for a in activities):
            errors.append(f"context.contextActivities.{key}: a list of activities")
    if "extensions" in context:
        _extensions(context["extensions"], "context", errors)


def problems(statement: dict[str, Any]) -> list[str]:
    """What makes `statement` invalid xAPI 1.0.3 (an empty list when it is valid)."""
    errors: list[str] = []
    if "id" in statement and not _is_uuid(statement["id"]):
        errors.append("id: a UUID")
    _actor(statement.get("actor"), errors)
    verb = statement.get("verb")
    if not isinstance(verb, dict) or not _is_iri(verb.get("id")):
        errors.append("verb.id: an IRI")
        verb = {}
    elif "display" in verb and not _language_map(verb["display"]):
        errors.append("verb.display: a language map")
    _object(statement.get("object"), verb.get("id"), errors)
    if "result" in statement:
        _result(statement["result"], errors)
    if "context" in statement:
        _context(statement["context"], errors)
    stamp = statement.get("timestamp")
    if stamp is not None:
        try:
            if datetime.fromisoformat(stamp).tzinfo is None:
                errors.append("timestamp: needs a time zone")
        except (TypeError, ValueError):
            errors.append("timestamp: ISO 8601")
    return errors
