"""Where to send a person after signing in: only ever a plain path on this site."""

from __future__ import annotations

import re
from urllib.parse import unquote

from flask import url_for

# A plain path on this site (with its query): RFC 3986's unreserved and sub-delims, ":", "@",
# "/", "?" and percent escapes. No spaces, control characters or backslashes: browsers drop
# tabs and newlines and read a backslash as "/", so "/<tab>/evil.example" leaves the site.
_PLAIN_PATH = re.compile(r"/(?![/\\])[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*\Z")
# What no percent-decoding of it may become (a proxy or a later redirect may decode it): a
# path that leaves the site ("//host", "/" then a backslash) or a control character.
_LEAVES_SITE = re.compile(r"\A(?!/(?![/\\]))|[\x00-\x1f\x7f\\]")
DECODINGS_CHECKED = 3


def is_local_path(target: str | None) -> bool:
    """Whether `target` is a plain same-site path, also once percent-decoded (pure)."""
    if not target or len(target) > 2000 or not _PLAIN_PATH.match(target):
        return False
    for _ in range(DECODINGS_CHECKED):
        decoded = unquote(target)
        if decoded == target:
            return True
        if _LEAVES_SITE.search(decoded):
            return False
        target = decoded
    return False


def safe_next(target: str | None) -> str:
    """Only follow plain local paths after sign-in, never another site."""
    return target if target is not None and is_local_path(target) else url_for("home.index")
