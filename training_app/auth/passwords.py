"""Argon2id password hashing at OWASP's minimum cost, tuned for a 9 am login storm."""

from __future__ import annotations

import contextlib

from argon2 import PasswordHasher, Type
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from flask import Flask, current_app


def make_hasher(app: Flask) -> PasswordHasher:
    """Build the app's Argon2id hasher from its config."""
    return PasswordHasher(
        time_cost=app.config["ARGON2_TIME_COST"],
        memory_cost=app.config["ARGON2_MEMORY_COST_KIB"],
        parallelism=app.config["ARGON2_PARALLELISM"],
        type=Type.ID,
    )


def init_app(app: Flask) -> None:
    """Attach the hasher and a dummy hash used to keep unknown-email checks slow too."""
    hasher = make_hasher(app)
    app.extensions["password_hasher"] = hasher
    app.extensions["password_dummy_hash"] = hasher.hash("not a real password")


def _hasher() -> PasswordHasher:
    hasher: PasswordHasher = current_app.extensions["password_hasher"]
    return hasher


def hash_password(password: str) -> str:
    """Hash a password with the app's Argon2id parameters."""
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password; an account without a password spends the same time and fails."""
    if password_hash is None:
        with contextlib.suppress(VerificationError):
            _hasher().verify(current_app.extensions["password_dummy_hash"], password + "x")
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash used weaker parameters than the current ones."""
    return _hasher().check_needs_rehash(password_hash)
