"""Time-based one-time codes (RFC 6238, via pyotp) and recovery codes: pure, no Flask."""

from __future__ import annotations

import hmac
import secrets
import time

import pyotp

STEP_SECONDS = 30
DIGITS = 6
# Codes from the step before and after the current one are accepted too, so a phone
# whose clock is a few seconds out, or a code typed as it changes, still works.
DRIFT_STEPS = 1
RECOVERY_CODE_COUNT = 10
# No 0/o, 1/l/i: a code read off paper is typed back without guessing which it was.
RECOVERY_ALPHABET = "23456789abcdefghjkmnpqrstuvwxyz"
RECOVERY_LENGTH = 10


def new_secret() -> str:
    """A fresh random 160-bit secret, in base32 as authenticator apps expect."""
    return pyotp.random_base32()


def current_step(now: float | None = None) -> int:
    """The number of the 30-second time-step `now` (default: this moment) falls in."""
    return int((time.time() if now is None else now) // STEP_SECONDS)


def code_at(secret: str, step: int) -> str:
    """The code an authenticator app shows during `step`."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).generate_otp(step)


def seconds_left(step: int, now: float | None = None) -> int:
    """How many seconds remain until `step` ends."""
    return max(0, int((step + 1) * STEP_SECONDS - (time.time() if now is None else now)))


def normalise_code(text: str) -> str:
    """Drop the spaces and dashes people type or paste inside codes; lower-case letters."""
    return "".join(ch for ch in text.strip().lower() if ch not in " -\t")


def matching_step(secret: str, code: str, *, now: float | None = None) -> int | None:
    """The time-step (current one, or one either side) whose code `code` is, if any."""
    code = normalise_code(code)
    # ASCII only: "١٢٣٤٥٦".isdigit() is true, and compare_digest raises on non-ASCII text.
    if len(code) != DIGITS or not (code.isascii() and code.isdigit()):
        return None
    step = current_step(now)
    for candidate in range(step - DRIFT_STEPS, step + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, candidate), code):
            return candidate
    return None


def grouped(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def provisioning_uri(secret: str, account: str, issuer: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=account, issuer_name=issuer
    )


def new_recovery_codes() -> list[str]:
    """Ten single-use recovery codes like `k7m2q-9xw4p` (about 49 bits each)."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        raw = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_LENGTH))
        codes.append(f"{raw[:5]}-{raw[5:]}")
    return codes
