"""Certificate serials and seals (pure: the key is passed in).

The serial, e.g. SQ-2026-7KQ3M-9XD2H-4F8RZ, is ten random Crockford base-32 characters and five
check characters, an HMAC of the rest under a key derived from SECRET_KEY: a mistyped or altered
serial is refused before the database is asked, and a well-formed one not in the table (or whose
row no longer matches its seal) is "not found" as well. Changing SECRET_KEY voids every serial.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread
_CHAR = "[0-9A-HJKMNP-TV-Z]"
SERIAL = re.compile(rf"SQ-[0-9]{{4}}-{_CHAR}{{5}}-{_CHAR}{{5}}-{_CHAR}{{5}}")


def _check_characters(body: str, key: bytes) -> str:
    number = int.from_bytes(hmac.new(key, body.encode(), hashlib.sha256).digest()[:4], "big") >> 7  # 25 bits
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(5))


def new_serial(year: int, key: bytes) -> str:
    """SQ-<year>-<5 random>-<5 random>-<5 check>: 50 random bits, 25 bits of HMAC check."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(10))
    body = f"SQ-{year}-{random_part[:5]}-{random_part[5:]}"
    return f"{body}-{_check_characters(body, key)}"


def serial_is_sound(serial: str, key: bytes) -> bool:
    """The serial has the right shape and its check characters match (no database needed)."""
    if not SERIAL.fullmatch(serial):
        return False
    return hmac.compare_digest(serial[-5:], _check_characters(serial[:-6], key))


def lines_digest(lines) -> str:
    """SHA-256 of the certified lines in a fixed form."""
    payload = [[line.served_on.isoformat(), line.source, line.title, line.team_name, line.minutes] for line in lines]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def seal_of(item, key: bytes) -> str:
    """HMAC of everything a certificate states, so an edited row no longer verifies."""
    stated = [item.serial, item.user_id, item.community_id, item.community_name, item.holder_name, item.team_names,
              item.period_start.isoformat(), item.period_end.isoformat(), item.period_label, item.total_minutes,
              item.lines_digest, item.issued_at.isoformat()]
    return hmac.new(key, json.dumps(stated, ensure_ascii=False).encode(), hashlib.sha256).hexdigest()
