"""Which guidance edition a school's training follows, as the layout shows it on every page.

The footer names the edition on every signed-in page, and staff pages must not pay a query
for it (tests/web/test_learning_queries.py counts them), so each worker remembers a school's
edition for a minute. The worker that saves a new protocol forgets it at once; the others
show the change within the minute, as they do for the navigation's cached links.
"""

from __future__ import annotations

import time

from flask import current_app

from training_app.admin.protocols import school_protocol
from training_app.memo import BoundedMemo

_MAX_SCHOOLS = 5_000


def _memo() -> BoundedMemo[int, tuple[str, float]]:
    memo: BoundedMemo[int, tuple[str, float]] = current_app.extensions.setdefault(
        "school_editions", BoundedMemo(_MAX_SCHOOLS)
    )
    return memo


def school_edition(school_id: int) -> str:
    """The id of the edition the school's protocol follows (kept SCHOOL_EDITION_MEMO_SECONDS)."""
    memo = _memo()
    now = time.monotonic()
    remembered = memo.get(school_id)
    if remembered is not None and remembered[1] > now:
        return remembered[0]
    edition = school_protocol(school_id).edition
    memo.put(school_id, (edition, now + current_app.config["SCHOOL_EDITION_MEMO_SECONDS"]))
    return edition


def forget_school_edition(school_id: int) -> None:
    """Drop this worker's remembered edition for the school (after its protocol changed)."""
    _memo().put(school_id, ("", 0.0))
