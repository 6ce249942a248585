"""Page numbers for long lists."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# ASCII digits only: "²".isdigit() is true, yet int("²") raises (and int() takes "١٢").
_DIGITS = re.compile(r"[0-9]{1,9}\Z")


def ascii_int(raw: str | None) -> int | None:
    """Parse up to nine ASCII decimal digits; None for anything else (pure)."""
    return int(raw) if raw is not None and _DIGITS.match(raw) else None


def page_number(args: Mapping[str, str]) -> int:
    """Read ?page= as a positive integer, defaulting to 1 for anything else."""
    number = ascii_int(args.get("page"))
    return number if number is not None and 0 < number < 100_000 else 1


@dataclass(frozen=True)
class Page:
    """Where a page sits in a list: for 'Showing 51–100 of 230' and next/previous links."""

    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """Number of pages (at least one, so an empty list still shows page 1 of 1)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def first_item(self) -> int:
        """1-based index of the first row on this page (0 when empty)."""
        return 0 if self.total == 0 else (self.number - 1) * self.per_page + 1

    @property
    def last_item(self) -> int:
        """1-based index of the last row on this page."""
        return min(self.total, self.number * self.per_page)

    @property
    def has_previous(self) -> bool:
        """True when there is an earlier page."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when there is a later page."""
        return self.number < self.pages
