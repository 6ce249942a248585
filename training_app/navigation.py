"""The main navigation, assembled from what each feature registers.

Features call `add_nav_item` in their `init_app`; the base layout shows the items the
signed-in person may use. This keeps per-feature role checks out of base.html.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import Flask, request, url_for


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
    app.extensions.setdefault("nav_items", []).append(item)


def nav_links(app: Flask, user: Any) -> list[NavLink]:
    """The links this person sees, in order, marking the one for the current page."""
    items = sorted(app.extensions.get("nav_items", []), key=lambda i: i.order)
    endpoint = request.endpoint or ""
    return [
        NavLink(
            item.label,
            url_for(item.endpoint, **item.url_args(user)),
            endpoint == item.endpoint or endpoint in item.section,
        )
        for item in items
        if item.visible(user)
    ]


def init_app(app: Flask) -> None:
    """Expose `nav_links()` to templates."""
    from flask_login import current_user

    @app.context_processor
    def _nav() -> dict[str, Any]:
        return {"nav_links": lambda: nav_links(app, current_user)}
