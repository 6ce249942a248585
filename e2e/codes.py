"""Two-factor codes for browser tests, computed with pyotp from known secrets."""

from __future__ import annotations

import time

import pyotp

from training_app.demo.cli import DEMO_TOTP_SECRETS

# Accounts' two-factor secrets: the demo's published ones, plus any a test module adds.
SECRETS: dict[str, str] = dict(DEMO_TOTP_SECRETS)
# The newest time-step whose code each account has used on this worker's server.
_used_steps: dict[str, int] = {}


def totp_code(email: str, secret: str | None = None) -> str:
    """A two-factor code the server accepts now (demo accounts' secrets are published).

    The server accepts each time-step's code once, and the steps either side of now, so
    this hands out the next unused step, waiting for a new one if all three are used.
    """
    secret = secret or SECRETS[email]
    while True:
        now = int(time.time() // 30)
        step = max(now, _used_steps.get(email, 0) + 1)
        if step <= now + 1:
            break
        time.sleep(30.2 - time.time() % 30)
    _used_steps[email] = step
    return pyotp.TOTP(secret).generate_otp(step)
