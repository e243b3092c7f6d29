"""Numbers as people type them on Chinese phone keyboards: the one copy of the mobile-number rule
and of full-width digits, used by every form, rule and import that reads a phone, a code or an amount."""
from __future__ import annotations

import re

MAINLAND_MOBILE = r"^1[3-9][0-9]{9}$"  # not \d, which also matches full-width and Arabic-Indic digits
_DASH_BETWEEN_DIGITS = re.compile(r"(?<=[0-9])-(?=[0-9])")
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．＋－", "0123456789.+-")
# +86 138…, 0086 138…, 86-138… (a contact list exported from a phone): the country code before a mobile.
_COUNTRY_CODE = re.compile(r"^(?:\+86|0086|86)-?(?=1[3-9][0-9]{9}$)")
# A search typed as (part of) a phone number: digits, dashes between them, maybe a + in front (spaces gone).
_PHONE_LIKE = re.compile(r"\+?[0-9]+(?:-[0-9]+)*")
# Between several phones in one box or cell: commas, 、, semicolons, slashes, line breaks.
_PHONE_SEPARATORS = re.compile(r"[,，、;；/／\n]+")


def ascii_digits(text: str) -> str:
    """Full-width digits (and the full-width point, plus and minus) as ASCII; everything else unchanged."""
    return text.translate(_FULL_WIDTH)


def is_mobile(text: str | None) -> bool:
    """An 11-digit mainland mobile number, already normalised."""
    return bool(text) and re.fullmatch(MAINLAND_MOBILE, text) is not None


def normalise_phone(value):
    """What Chinese keyboards type: full-width digits, spaces or dashes between groups, a +86 in front.

    Anything that does not become a mobile number is kept as typed, so the form can
    show it back with its error.
    """
    if not isinstance(value, str):
        return value
    digits = _COUNTRY_CODE.sub("", _DASH_BETWEEN_DIGITS.sub("", "".join(ascii_digits(value).split())))
    return digits if is_mobile(digits) else value.strip()


def phone_search(text: str) -> str | None:
    """What a search box's text is as (part of) a stored phone number, or None when it is not one (a name).

    '138 0000 0003', '+86 138-0000-0003' and '０００３' are found as people type them at the login: a whole number
    goes through normalise_phone, a part loses its spaces and dashes ('0000 0003' → '00000003')."""
    compact = "".join(ascii_digits(text or "").split())
    if not _PHONE_LIKE.fullmatch(compact):
        return None
    whole = normalise_phone(compact)
    return whole if is_mobile(whole) else compact.lstrip("+").replace("-", "")


def split_phones(text: str) -> list[str]:
    """'138…、139…' (commas, 、, semicolons, slashes, line breaks or spaces between them) → normalised phones,
    in the order typed. Spaces inside one number ('138 1234 5678') keep it one number."""
    phones = []
    for part in _PHONE_SEPARATORS.split(text or ""):
        whole = normalise_phone(part)
        if is_mobile(whole):
            phones.append(whole)
        else:
            phones.extend(normalise_phone(piece) for piece in part.split())
    return [phone for phone in phones if phone]
