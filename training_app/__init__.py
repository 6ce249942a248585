"""Safeguarding training for schools: the Flask application factory."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

# Flask is imported inside the factory, not here: importing the pure rule engine
# (`training_app.rules`) runs this file first and must not pull in Flask.
if TYPE_CHECKING:
    from flask import Flask

    from training_app.config import Config


def create_app(config: type[Config] | dict[str, Any] | None = None) -> Flask:
    """Build the app: configuration, extensions, blueprints and CLI. Nothing else."""
    from flask import Flask
    from werkzeug.middleware.proxy_fix import ProxyFix

    from training_app.config import Config, settings_from_environment

    app = Flask(__name__, instance_relative_config=True)
    if config is None:
        app.config.update(settings_from_environment(app.instance_path))
    elif isinstance(config, dict):
        app.config.from_object(Config)
        app.config.update(config)
    else:
        app.config.from_object(config)
    if not app.config.get("SECRET_KEY"):
        raise RuntimeError("SECRET_KEY is not configured")
    # Only the configured number of proxies are believed (TRUSTED_PROXIES, config.py):
    # with none, X-Forwarded-* from a client is ignored, not taken as its address.
    proxies = int(app.config.get("TRUSTED_PROXIES", 0))
    if proxies > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies
        )
    _init_extensions(app)
    _register_features(app)
    return app


def _init_extensions(app: Flask) -> None:
    from training_app import cookies, csrf_tokens, database, mail, navigation, security
    from training_app.extensions import csrf, db, limiter, migrate

    cookies.init_app(app)
    database.init_app(app)
    # Batch mode lets the same migrations alter tables on SQLite as on PostgreSQL.
    migrate.init_app(
        app, db, directory=str(_migrations_dir()), render_as_batch=True, compare_type=True
    )
    csrf.init_app(app)
    csrf_tokens.init_app(app)
    app.config.setdefault("RATELIMIT_STORAGE_URI", "memory://")
    limiter.init_app(app)
    mail.init_app(app)
    security.init_app(app)
    navigation.init_app(app)


def _register_features(app: Flask) -> None:
    from training_app import (
        admin,
        audit,
        auth,
        cli,
        compliance,
        editions,
        errors,
        home,
        learning,
        lessons,
        mfa,
        rehearsal,
        sso,
        xapi,
    )

    auth.init_app(app)
    mfa.init_app(app)
    sso.init_app(app)
    home.init_app(app)
    learning.init_app(app)
    lessons.init_app(app)
    rehearsal.init_app(app)
    admin.init_app(app)
    audit.init_app(app)
    compliance.init_app(app)
    editions.init_app(app)
    xapi.init_app(app)
    errors.init_app(app)
    cli.init_app(app)


def _migrations_dir() -> Any:
    from training_app.config import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"
