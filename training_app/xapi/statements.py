"""The xAPI statements this platform makes (pure: no Flask, no database).

Each builder returns a statement without its actor: the outbox keeps the person's id and
the sender names them as their trust chose (`actor`). Statement ids are uuid5 of what the
statement records, so the same record always gives the same id and an LRS that already has
it keeps one copy (docs/xapi.md lists every verb, activity id and extension).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

# A fixed namespace for this platform's statement ids (uuid5 of a name below it).
NAMESPACE = uuid.UUID("6f1c5f8e-3b1a-5d0e-9a57-4c2f1e7d0b23")
VERSION = "1.0.3"
LANGUAGE = "en-GB"

ADL = "http://adlnet.gov/expapi/verbs/"
VERBS: dict[str, str] = {
    "attempted": ADL + "attempted",  # module started
    "experienced": ADL + "experienced",  # page read
    "answered": ADL + "answered",
    "passed": ADL + "passed",
    "failed": ADL + "failed",
    "completed": ADL + "completed",
    "voided": ADL + "voided",
    "scored": ADL + "scored",  # a rehearsal decision judged
}
ACTIVITY_TYPES = {
    "module": "http://adlnet.gov/expapi/activities/module",
    "page": "http://adlnet.gov/expapi/activities/lesson",
    "question": "http://adlnet.gov/expapi/activities/cmi.interaction",
    "assessment": "http://adlnet.gov/expapi/activities/assessment",
    "simulation": "http://adlnet.gov/expapi/activities/simulation",
}


def extension(base: str, name: str) -> str:
    """The IRI of one of this platform's context or result extensions."""
    return f"{base}/extensions/{name}"


def statement_id(*parts: object) -> str:
    """The deterministic id of the statement that records `parts` (uuid5)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(p) for p in parts)))


def reference_id(record: str, record_id: int, verb: str, part: object = None) -> str:
    """The id of the statement that `verb` happened to a record (or one page or step of it)."""
    if part is None:
        return statement_id(record, record_id, verb)
    return statement_id(record, record_id, "page" if verb == "experienced" else "step", part)


def _verb(name: str) -> dict[str, Any]:
    return {"id": VERBS[name], "display": {LANGUAGE: name}}


def _activity(base: str, kind: str, path: str, title: str, **extra: Any) -> dict[str, Any]:
    definition: dict[str, Any] = {"type": ACTIVITY_TYPES[kind], "name": {LANGUAGE: title}}
    definition.update(extra)
    return {"objectType": "Activity", "id": f"{base}/{path}", "definition": definition}


def _stamp(when: datetime) -> str:
    return when.isoformat(timespec="milliseconds")


def _context(base: str, module_id: str, *, registration: str | None = None) -> dict[str, Any]:
    parent = {"objectType": "Activity", "id": f"{base}/modules/{module_id}"}
    context: dict[str, Any] = {"contextActivities": {"parent": [parent]}, "language": LANGUAGE}
    if registration is not None:
        context["registration"] = registration
    return context


def attempt_registration(attempt_id: int) -> str:
    """The registration (a UUID) that groups one attempt's statements."""
    return statement_id("attempt", attempt_id)


def module_started(
    base: str, attempt_id: int, module_id: str, title: str, when: datetime
) -> dict[str, Any]:
    """`attempted`: a person started an attempt at a module."""
    return {
        "id": reference_id("attempt", attempt_id, "attempted"),
        "verb": _verb("attempted"),
        "object": _activity(base, "module", f"modules/{module_id}", title),
        "context": {"registration": attempt_registration(attempt_id), "language": LANGUAGE},
        "timestamp": _stamp(when),
    }


def page_read(
    base: str, attempt_id: int, module_id: str, page: int, title: str, when: datetime
) -> dict[str, Any]:
    """`experienced`: a person read a module's page (its number counts from 1)."""
    return {
        "id": reference_id("attempt", attempt_id, "experienced", page),
        "verb": _verb("experienced"),
        "object": _activity(base, "page", f"modules/{module_id}/pages/{page}", title),
        "context": _context(base, module_id, registration=attempt_registration(attempt_id)),
        "timestamp": _stamp(when),
    }


def question_answered(
    base: str,
    attempt_id: int,
    module_id: str,
    *,
    step: int,
    node_id: str,
    prompt: str,
    choice_ids: Sequence[str],
    all_choice_ids: Sequence[str],
    correct: bool,
    rule_ids: Sequence[str],
    missed_rule_ids: Sequence[str],
    citations: Sequence[str],
    when: datetime,
) -> dict[str, Any]:
    """`answered`: one quiz answer, with the rules and citations the question tests."""
    context = _context(base, module_id, registration=attempt_registration(attempt_id))
    context["extensions"] = {
        extension(base, "rules"): list(rule_ids),
        extension(base, "citations"): list(citations),
    }
    return {
        "id": reference_id("attempt", attempt_id, "answered", step),
        "verb": _verb("answered"),
        "object": _activity(
            base,
            "question",
            f"modules/{module_id}/questions/{node_id}",
            prompt or node_id,
            interactionType="choice",
            choices=[{"id": c, "description": {LANGUAGE: c}} for c in all_choice_ids],
        ),
        "result": {
            "success": correct,
            "response": "[,]".join(choice_ids),
            "extensions": {extension(base, "missed-rules"): list(missed_rule_ids)},
        },
        "context": context,
        "timestamp": _stamp(when),
    }


def _score(percent: int) -> dict[str, Any]:
    return {"scaled": round(percent / 100, 4), "raw": percent, "min": 0, "max": 100}


def quiz_finished(
    base: str,
    attempt_id: int,
    module_id: str,
    title: str,
    *,
    percent: int,
    passed: bool,
    missed_rule_ids: Sequence[str],
    when: datetime,
) -> dict[str, Any]:
    """`passed` or `failed`: the quiz's result, with its score and the rules missed."""
    verb = "passed" if passed else "failed"
    return {
        "id": reference_id("attempt", attempt_id, verb),
        "verb": _verb(verb),
        "object": _activity(base, "assessment", f"modules/{module_id}/quiz", f"{title}: quiz"),
        "result": {
            "score": _score(percent),
            "success": passed,
            "completion": True,
            "extensions": {extension(base, "missed-rules"): list(missed_rule_ids)},
        },
        "context": _context(base, module_id, registration=attempt_registration(attempt_id)),
        "timestamp": _stamp(when),
    }


def completed_id(attempt_id: int) -> str:
    """The id of the `completed` statement of a passed attempt (a void refers to it)."""
    return reference_id("attempt", attempt_id, "completed")


def module_completed(
    base: str, attempt_id: int, module_id: str, title: str, percent: int, when: datetime
) -> dict[str, Any]:
    """`completed`: a passed attempt earned a completion record."""
    return {
        "id": completed_id(attempt_id),
        "verb": _verb("completed"),
        "object": _activity(base, "module", f"modules/{module_id}", title),
        "result": {"score": _score(percent), "success": True, "completion": True},
        "context": {"registration": attempt_registration(attempt_id), "language": LANGUAGE},
        "timestamp": _stamp(when),
    }


def completion_voided(attempt_id: int, when: datetime) -> dict[str, Any]:
    """`voided`: an admin voided a completion; xAPI's voiding statement of its `completed`."""
    return {
        "id": reference_id("attempt", attempt_id, "voided"),
        "verb": _verb("voided"),
        "object": {"objectType": "StatementRef", "id": completed_id(attempt_id)},
        "timestamp": _stamp(when),
    }


def rehearsal_scored(
    base: str,
    rehearsal_id: int,
    step: str,
    *,
    correct: bool,
    difficulty: str,
    when: datetime,
) -> dict[str, Any]:
    """`scored`: one decision of a mock incident judged by the rules engine."""
    parent = {"objectType": "Activity", "id": f"{base}/rehearsals/{difficulty}"}
    return {
        "id": reference_id("rehearsal", rehearsal_id, "scored", step),
        "verb": _verb("scored"),
        "object": _activity(
            base, "question", f"rehearsals/{difficulty}/steps/{step}", f"Rehearsal: {step}"
        ),
        "result": {"success": correct},
        "context": {
            "registration": statement_id("rehearsal", rehearsal_id),
            "contextActivities": {"parent": [parent]},
            "language": LANGUAGE,
        },
        "timestamp": _stamp(when),
    }


def rehearsal_completed(
    base: str, rehearsal_id: int, *, difficulty: str, percent: int, when: datetime
) -> dict[str, Any]:
    """`completed`: a mock incident finished, with the share of decisions right."""
    return {
        "id": reference_id("rehearsal", rehearsal_id, "completed"),
        "verb": _verb("completed"),
        "object": _activity(
            base, "simulation", f"rehearsals/{difficulty}", f"Mock incident ({difficulty})"
        ),
        "result": {"score": _score(percent), "completion": True},
        "context": {"registration": statement_id("rehearsal", rehearsal_id), "language": LANGUAGE},
        "timestamp": _stamp(when),
    }


def actor(user_id: int, email: str, actor_format: str, home_page: str) -> dict[str, Any]:
    """The person as the trust chose to name them: a hashed mailbox, or the platform's id."""
    if actor_format == "account":
        return {"objectType": "Agent", "account": {"homePage": home_page, "name": str(user_id)}}
    digest = hashlib.sha1(f"mailto:{email}".encode(), usedforsecurity=False).hexdigest()
    return {"objectType": "Agent", "mbox_sha1sum": digest}
