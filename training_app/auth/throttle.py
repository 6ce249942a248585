"""Sign-in throttling: wrong passwords per account, and a budget of its own for a known device.

Only failures count (ASVS 2.2.1): `LOGIN_LIMIT_PER_ACCOUNT`, 10 a minute and 100 an hour by
default. A browser that has signed in to an account before carries a signed "device" cookie
naming it; its attempts at that account are counted in a bucket of their own (OWASP's device
cookies), so someone guessing from elsewhere cannot lock the person out of their own computer.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from flask import Response, after_this_request, current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from training_app.auth.services import normalise_email

DEVICE_COOKIE_DAYS = 180
ACCOUNTS_PER_DEVICE = 5  # a shared staffroom computer remembers its last few people


def _account(email: str) -> str:
    # A digest, not the address: the cookie names nobody to whoever reads it.
    return hashlib.sha256(normalise_email(email).encode()).hexdigest()[:32]


def _typed_email() -> str:
    return request.form.get("email", "")


def account_key() -> str:
    """Throttle sign-in failures per account (the email typed), whoever sends them."""
    return "account:" + normalise_email(_typed_email())


def mark_failed() -> None:
    """Count this request against the limits (a wrong password or a deactivated account)."""
    g.sign_in_failed = True


def failed(response: Response) -> bool:
    """Whether to deduct this request from the limits: only failures are counted."""
    return bool(g.get("sign_in_failed"))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="sign-in-device")


def cookie_name() -> str:
    """The device cookie's name (`__Host-` when cookies are HTTPS-only)."""
    return "__Host-device" if current_app.config.get("SESSION_COOKIE_SECURE") else "device"


def _device() -> dict[str, Any] | None:
    raw = request.cookies.get(cookie_name())
    if not raw:
        return None
    try:
        data = _serializer().loads(raw, max_age=DEVICE_COOKIE_DAYS * 86400)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("accounts"), list):
        return None
    return data


def known_device_key() -> str | None:
    """The bucket of this browser and the account typed, if it signed in to it before."""
    device = _device()
    account = _account(_typed_email())
    if device is None or account not in device["accounts"]:
        return None
    return f"device:{device['nonce']}:{account}"


def is_known_device() -> bool:
    """Whether this browser has signed in to the account typed before."""
    return known_device_key() is not None


def device_key() -> str:
    """The known device's own bucket (only used when is_known_device)."""
    return known_device_key() or "device:none"


def remember_device(email: str) -> None:
    """After a full sign-in, have the response mark this browser as known for the account."""
    device = _device() or {"nonce": secrets.token_urlsafe(16), "accounts": []}
    account = _account(email)
    accounts = [account, *(a for a in device["accounts"] if a != account)]
    value = _serializer().dumps(
        {"nonce": device["nonce"], "accounts": accounts[:ACCOUNTS_PER_DEVICE]}
    )

    @after_this_request
    def _set(response: Response) -> Response:
        response.set_cookie(
            cookie_name(),
            value,
            max_age=DEVICE_COOKIE_DAYS * 86400,
            path="/",
            secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
            httponly=True,
            samesite="Lax",
        )
        return response
