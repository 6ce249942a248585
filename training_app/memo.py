"""A per-process memo that empties itself when full, for work repeated request after request."""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class BoundedMemo(Generic[K, V]):
    """A dict of at most `limit` entries; when full it starts again from empty.

    For values that are costly to compute, cheap to hold and keyed so that they can never go
    stale (a verified signature, a pure function's result): losing them all now and then
    only costs recomputing them, so no eviction order is kept. Safe across threads under the
    GIL: each operation is a single dict call.
    """

    def __init__(self, limit: int) -> None:
        self._items: dict[K, V] = {}
        self._limit = limit

    def get(self, key: K) -> V | None:
        """The remembered value, or None."""
        return self._items.get(key)

    def put(self, key: K, value: V) -> None:
        """Remember a value (emptying the memo first if it is full)."""
        if len(self._items) >= self._limit:
            self._items.clear()
        self._items[key] = value

    def __len__(self) -> int:
        return len(self._items)
