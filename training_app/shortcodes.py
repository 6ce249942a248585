"""Short codes people read aloud or off a screen and type on a phone (pure: stdlib only).

Used for PSHE lesson join codes and group rehearsal codes. Eight characters from an alphabet
without look-alikes (no 0/O, 1/I/L): 31**8, about 8.5e11 codes.
"""

from __future__ import annotations

import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 8
_SEPARATORS = str.maketrans("", "", " -_.\t")


def code_space() -> int:
    """How many different codes there are."""
    return len(ALPHABET) ** CODE_LENGTH


def new_code() -> str:
    """A random code, e.g. 'K7QXM4PR'."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text: str) -> str | None:
    """The code as typed, cleaned ('k7qx-m4pr' -> 'K7QXM4PR'); None if it cannot be one."""
    code = text.translate(_SEPARATORS).upper()
    if len(code) != CODE_LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def display_code(code: str) -> str:
    """The code as shown to people, in two halves: 'K7QX-M4PR'."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
