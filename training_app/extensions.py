"""Flask extensions, created bare here and bound to an app in create_app."""

from __future__ import annotations

from typing import Any

from flask import Flask, current_app, has_app_context, request
from flask_limiter import Limiter
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from limits import RateLimitItem, WindowStats
from limits.storage import MemoryStorage
from limits.strategies import RateLimiter
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import MetaData
from sqlalchemy.orm import DeclarativeBase

# A naming convention makes constraint names identical on SQLite and PostgreSQL,
# so Alembic can alter and drop them on both.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Declarative base whose metadata carries the naming convention."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def client_address() -> str:
    """Return the client's address (ProxyFix has already applied X-Forwarded-For)."""
    return request.remote_addr or "unknown"


def redis_options(config: Any) -> dict[str, Any]:
    """Client settings for the rate limits' Redis: short socket timeouts, one try.

    redis-py's defaults (5 s reads, three retries with backoff) made every sign-in wait
    5 s and then fail while Redis hung; a failed call now costs at most these timeouts
    before the counting falls back to the worker's memory (FallbackLimiter).
    """
    return {
        "socket_connect_timeout": config["REDIS_CONNECT_TIMEOUT_SECONDS"],
        "socket_timeout": config["REDIS_TIMEOUT_SECONDS"],
        "retry": Retry(NoBackoff(), 0),
    }


class FallbackLimiter(Limiter):
    """Flask-Limiter that counts in this worker's memory while its Redis is unreachable.

    Flask-Limiter's own in-memory fallback covers the checks made before a view, but not
    the deductions after one (only failed sign-ins and codes count) nor the counters the
    app keeps itself (lessons/throttle.py). Every storage call goes through `limiter`, so
    the fallback is made there: the first failed call marks the storage dead (logged once
    per worker), and Flask-Limiter checks it again now and then, going back when it answers.
    """

    def init_app(self, app: Flask) -> None:
        """Turn the fallback on and bound Redis's waits before Flask-Limiter's own set-up."""
        uri = str(app.config.get("RATELIMIT_STORAGE_URI", "memory://"))
        if uri.startswith("redis"):  # redis://, rediss://, redis+unix://, redis+sentinel://
            app.config.setdefault("RATELIMIT_STORAGE_OPTIONS", redis_options(app.config))
        app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
        self._storage_dead = False
        self._outage_logged = False
        super().init_app(app)

    @property
    def limiter(self) -> RateLimiter:
        """The strategy in use: Redis's behind a guard, or the in-memory fallback."""
        if self._outage_logged and not self._storage_dead:
            self._outage_logged = False
            _log_warning("rate-limit storage answers again: limits are shared once more")
        chosen = super().limiter
        fallback = self._fallback_limiter
        if fallback is None or chosen is fallback or isinstance(self._storage, MemoryStorage):
            return chosen
        return _Guarded(self, chosen, fallback)

    def storage_failed(self, error: Exception) -> None:
        """Switch this worker to in-memory counting; say so once, not on every request."""
        self._storage_dead = True
        if not self._outage_logged:
            self._outage_logged = True
            _log_warning(
                f"rate-limit storage unreachable ({type(error).__name__}: {error}): limits "
                "now count per worker in memory until it answers"
            )


def _log_warning(message: str) -> None:
    # The app's logger reaches gunicorn's error log; Flask-Limiter's own is silenced.
    if has_app_context():
        current_app.logger.warning(message)


class _Guarded(RateLimiter):
    """A strategy whose storage errors switch the limiter to its in-memory fallback."""

    def __init__(self, owner: FallbackLimiter, primary: RateLimiter, fallback: RateLimiter):
        super().__init__(primary.storage)
        self.owner, self.primary, self.fallback = owner, primary, fallback

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Count a hit (in memory if Redis fails)."""
        try:
            return self.primary.hit(item, *identifiers, cost=cost)
        except Exception as error:  # noqa: BLE001 - any storage failure, however raised
            self.owner.storage_failed(error)
            return self.fallback.hit(item, *identifiers, cost=cost)

    def test(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """Check a limit without counting (in memory if Redis fails)."""
        try:
            return self.primary.test(item, *identifiers, cost=cost)
        except Exception as error:  # noqa: BLE001
            self.owner.storage_failed(error)
            return self.fallback.test(item, *identifiers, cost=cost)

    def get_window_stats(self, item: RateLimitItem, *identifiers: str) -> WindowStats:
        """Reset time and remaining count (from memory if Redis fails)."""
        try:
            return self.primary.get_window_stats(item, *identifiers)
        except Exception as error:  # noqa: BLE001
            self.owner.storage_failed(error)
            return self.fallback.get_window_stats(item, *identifiers)

    def clear(self, item: RateLimitItem, *identifiers: str) -> None:
        """Forget a limit's count (in memory if Redis fails)."""
        try:
            self.primary.clear(item, *identifiers)
        except Exception as error:  # noqa: BLE001
            self.owner.storage_failed(error)
            self.fallback.clear(item, *identifiers)


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = FallbackLimiter(key_func=client_address, default_limits=[])
