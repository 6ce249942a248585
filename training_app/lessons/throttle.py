"""Failed join codes, counted per address in Flask-Limiter's storage.

Only devices that are not in a lesson are ever checked: a pupil already in one polls and
answers without touching the limiter (a whole school shares one address, and one prankster
must not stop everyone's screens), and without its cost on every poll. A blocked address
gets 429 for every code, right or wrong, so the limit cannot be used to test codes.
"""

from __future__ import annotations

from functools import lru_cache

from flask import current_app
from limits import RateLimitItem, parse_many

from training_app.extensions import client_address, limiter

SCOPE = "lesson-join-failures"


@lru_cache(maxsize=8)
def _items(spec: str) -> tuple[RateLimitItem, ...]:
    return tuple(parse_many(spec))


def _limits() -> tuple[RateLimitItem, ...]:
    if not limiter.enabled or not current_app.config.get("RATELIMIT_ENABLED", True):
        return ()
    return _items(current_app.config["LESSON_JOIN_FAILURE_LIMIT"])


def blocked() -> bool:
    """Whether this address has used up its failed attempts for now."""
    address = client_address()
    return any(not limiter.limiter.test(item, address, SCOPE) for item in _limits())


def count_failure() -> None:
    """Count one failed attempt (an unknown code, or a lesson that has ended)."""
    address = client_address()
    for item in _limits():
        limiter.limiter.hit(item, address, SCOPE)
