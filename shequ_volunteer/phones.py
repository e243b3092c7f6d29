"""Numbers as people type them on Chinese phone keyboards: the one copy of the mobile-number rule
and of full-width digits, used by every form and rule that reads a phone, a code or an amount."""
from __future__ import annotations

import re

MAINLAND_MOBILE = r"^1[3-9][0-9]{9}$"  # not \d, which also matches full-width and Arabic-Indic digits
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])-(?=[0-9])")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．", "0123456789.")


def ascii_digits(text: str) -> str:
    """Full-width digits (and the full-width point) as ASCII; everything else unchanged."""
    return text.translate(_FULL_WIDTH)


def is_mobile(text: str | None) -> bool:
    """An 11-digit mainland mobile number, already normalised."""
    return bool(text) and re.fullmatch(MAINLAND_MOBILE, text) is not None


def normalise_phone(value):
    """What Chinese keyboards type: full-width digits, spaces or dashes between groups.

    Anything that does not become a mobile number is kept as typed, so the form can
    show it back with its error.
    """
    if not isinstance(value, str):
        return value
    digits = _DASH_BETWEEN_DIGITS.sub("", "".join(ascii_digits(value).split()))
    return digits if is_mobile(digits) else value.strip()
