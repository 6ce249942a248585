"""The main navigation, assembled from what each feature registers.

Features call `add_nav_item` in their `init_app`; the base layout shows the items the
signed-in person may use. This keeps per-feature role checks out of base.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for

from training_app.memo import BoundedMemo


@dataclass(frozen=True)
class NavItem:
    """One link in the main navigation."""

    label: str
    endpoint: str
    visible: Callable[[Any], bool]
    url_args: Callable[[Any], dict[str, Any]]
    order: int
    # Endpoints (besides its own) during which this link is the current section.
    section: tuple[str, ...]


@dataclass(frozen=True)
class NavLink:
    """A navigation link ready for the template."""

    label: str
    url: str
    current: bool


def _everyone(user: Any) -> bool:
    return True


def _no_args(user: Any) -> dict[str, Any]:
    return {}


def add_nav_item(
    app: Flask,
    label: str,
    endpoint: str,
    *,
    visible: Callable[[Any], bool] = _everyone,
    url_args: Callable[[Any], dict[str, Any]] = _no_args,
    order: int = 50,
    section: tuple[str, ...] = (),
) -> None:
    """Register a link shown to signed-in people for whom `visible(user)` holds."""
    item = NavItem(label, endpoint, visible, url_args, order, section)
    items = app.extensions.setdefault("nav_items", [])
    items.append(item)
    items.sort(key=lambda i: i.order)


# Building a URL is the dearest part of the layout, and every signed-in page shows about ten
# of them that never change: each is built once per process (bounded, for a trust's staff).
_MAX_CACHED_URLS = 20_000


def cached_url(app: Flask, endpoint: str, **values: Any) -> str:
    """`url_for(endpoint, **values)` for a URL that is the same on every request."""
    cache: BoundedMemo[tuple[Any, ...], str] = app.extensions.setdefault(
        "cached_urls", BoundedMemo(_MAX_CACHED_URLS)
    )
    key = (request.script_root, endpoint, *sorted(values.items()))
    url = cache.get(key)
    if url is None:
        url = url_for(endpoint, **values)
        cache.put(key, url)
    return url


def nav_links(app: Flask, user: Any) -> list[NavLink]:
    """The links this person sees, in order, marking the one for the current page."""
    endpoint = request.endpoint or ""
    return [
        NavLink(
            item.label,
            cached_url(app, item.endpoint, **item.url_args(user)),
            endpoint == item.endpoint or endpoint in item.section,
        )
        for item in app.extensions.get("nav_items", [])
        if item.visible(user)
    ]


def init_app(app: Flask) -> None:
    """Expose `nav_links()` and `layout_url(endpoint, **values)` to templates."""
    from flask_login import current_user

    @app.context_processor
    def _nav() -> dict[str, Any]:
        # The person, not the `current_user` proxy: each predicate reads several of their
        # attributes, and every read through the proxy looks the person up again.
        return {
            "nav_links": lambda: nav_links(app, current_user._get_current_object()),
            "layout_url": lambda endpoint, **values: cached_url(app, endpoint, **values),
        }
