"""Each role's home page."""

from __future__ import annotations

from flask import Flask

from training_app.navigation import add_nav_item


def init_app(app: Flask) -> None:
    """Register the home blueprint."""
    from training_app.home.routes import bp

    app.register_blueprint(bp)
    add_nav_item(
        app,
        "Home",
        "home.index",
        order=0,
        section=(
            "learning.overview",
            "learning.page",
            "learning.quiz",
            "learning.feedback",
            "learning.result",
        ),
    )
