"""Booking codes and cancelling secrets.

A booking code is six digits, typed on the kiosk's keypad (digits only: nothing to confuse, like
O and 0) or scanned from the QR code by a USB scanner, which types it. The last digit is a Damm
check digit: every single wrong digit and every swap of two neighbours is caught before the
database is asked. Codes are unique per day; a citizen checks in only on the day itself.

The secret that cancels a booking is a long random token given once, to whoever booked; only its
SHA-256 is stored.
"""

from __future__ import annotations

import hashlib
import secrets

CODE_DIGITS = 6
_DAMM = (
    (0, 3, 1, 7, 5, 9, 8, 6, 4, 2), (7, 0, 9, 2, 1, 5, 4, 8, 6, 3),
    (4, 2, 0, 6, 8, 7, 1, 3, 5, 9), (1, 7, 5, 0, 9, 8, 3, 4, 2, 6),
    (6, 1, 2, 3, 0, 4, 5, 9, 7, 8), (3, 6, 7, 4, 2, 0, 9, 5, 8, 1),
    (5, 8, 6, 9, 7, 2, 0, 1, 3, 4), (8, 9, 4, 5, 3, 6, 2, 0, 1, 7),
    (9, 4, 3, 8, 6, 1, 7, 2, 0, 5), (2, 5, 8, 1, 4, 3, 6, 7, 9, 0),
)


def _damm(digits: str) -> int:
    interim = 0
    for d in digits:
        interim = _DAMM[interim][int(d)]
    return interim


def new_code() -> str:
    """A fresh random code: five random digits and their check digit."""
    body = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS - 1))
    return body + str(_damm(body))


def clean_code(text: str) -> str | None:
    """The code in ``text`` (spaces, dashes and dots a person or a scanner adds are dropped), or
    None when it cannot be one (wrong length, not digits, a wrong check digit)."""
    code = "".join(ch for ch in text if ch not in " -.\t\r\n")
    if len(code) != CODE_DIGITS or not code.isascii() or not code.isdigit():
        return None
    return code if _damm(code) == 0 else None


def new_secret() -> str:
    return secrets.token_urlsafe(18)


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()
