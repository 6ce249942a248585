"""Where tests save screenshots for a person to look at: only when asked, never by default.

Set ``TEST_SCREENSHOTS`` to a folder (outside the clone, e.g. ``/tmp/screens``) to keep the
pictures the browser and certificate tests take of new screens; CI leaves it unset.
"""

from __future__ import annotations

import os
from pathlib import Path


def screens_dir(name: str) -> Path | None:
    """The folder for this test file's screenshots, made on first use; None when not asked."""
    root = os.environ.get("TEST_SCREENSHOTS")
    if not root:
        return None
    folder = Path(root) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder
