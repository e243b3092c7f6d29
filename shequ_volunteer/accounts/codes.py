"""One-time codes staff hand to a person to open their account or set a forgotten password.

The rules of a code, in one place: 8 random digits from `secrets`; only an HMAC-SHA256 keyed with the
app's secret key is stored (a stolen database does not give the codes away: 10^8 guesses need the key);
valid for 72 hours; used once; a new code voids the person's older unused ones; five wrong tries kill a
code. Wrong tries are also LoginFailure rows (`code:<phone>`, and the address's `ip:` key shared with
login), so the per-phone and per-address limits hold across every app process, as for passwords.

Entering a code runs in two steps, like login: `check` reads and hashes the new password (slow, no
lock), `record_failure` / `consume` write under the write lock.
"""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update

from ..extensions import db
from .models import ONE_TIME_PURPOSES, LoginFailure, OneTimeCode, User
from .passwords import hash_password
from .services import Attempt
from .services import reserve as reserve_guess

CODE_DIGITS = 8
CODE_LIFETIME = timedelta(hours=72)
MAX_WRONG_TRIES = 5
# One message for a wrong, expired, used, voided or another phone's code: which of them it was is
# nobody's business but the person who holds the right one.
WRONG_CODE = "验证码不对或已过期，请核对后再输入；过期了请找社区工作人员重新发放"


def new_code() -> str:
    """8 digits, leading zeros kept: every one of the 10^8 codes equally likely."""
    return f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"


def code_hash(user_id: int, code: str, secret_key: str) -> str:
    """The keyed hash stored for a person's code; bound to the person, so a code fits one phone only."""
    message = f"{user_id}:{code}".encode("utf-8", "surrogateescape")
    return hmac.new(secret_key.encode("utf-8"), message, hashlib.sha256).hexdigest()


def _live(now: datetime):
    """SQL: a code that may still be entered."""
    return OneTimeCode.used_at.is_(None) & OneTimeCode.voided_at.is_(None) & (OneTimeCode.expires_at > now)


@dataclass(frozen=True)
class IssuedCode:
    """The code itself, to be shown once (nothing else ever knows it), and what the slip says about it."""

    code: str
    purpose: str
    expires_at: datetime

    @property
    def grouped(self) -> str:
        """1234 5678: easier to read aloud and to type."""
        return f"{self.code[:4]} {self.code[4:]}"


def void_unused(user_id: int, now: datetime) -> None:
    """Every code of the person not yet used stops working: a new code replaces it, and a stopped or closed
    account must not come back to life through one handed out before."""
    db.session.execute(update(OneTimeCode)
                       .where(OneTimeCode.user_id == user_id, OneTimeCode.used_at.is_(None),
                              OneTimeCode.voided_at.is_(None))
                       .values(voided_at=now).execution_options(synchronize_session=False))


def issue(person: User, purpose: str, issued_by_id: int, now: datetime, secret_key: str) -> IssuedCode:
    """A new code for the person; their earlier unused codes stop working."""
    if purpose not in ONE_TIME_PURPOSES:
        raise ValueError(f"unknown code purpose {purpose!r}")
    void_unused(person.id, now)
    code = new_code()
    expires_at = now + CODE_LIFETIME
    db.session.add(OneTimeCode(user_id=person.id, purpose=purpose, code_hash=code_hash(person.id, code, secret_key),
                               issued_by_id=issued_by_id, issued_at=now, expires_at=expires_at))
    db.session.flush()
    return IssuedCode(code, purpose, expires_at)


def live_code(user_id: int, now: datetime) -> OneTimeCode | None:
    """The person's code that can still be entered (issuing voids the others, so at most one)."""
    return db.session.scalar(select(OneTimeCode).where(OneTimeCode.user_id == user_id, _live(now))
                             .order_by(OneTimeCode.id.desc()).limit(1))


@dataclass(frozen=True)
class CodeCheck:
    """What checking an entered code decided, before anything is written."""

    phone: str
    remote_addr: str
    refusal: str | None
    user_id: int | None = None
    code_id: int | None = None
    purpose: str | None = None
    new_hash: str | None = None


def failure_keys(phone: str, remote_addr: str) -> tuple[str, str]:
    """The LoginFailure keys a wrong code counts under: its own per phone, the address's shared with login."""
    return f"code:{phone}", f"ip:{remote_addr}"


def reserve(phone: str, remote_addr: str, now: datetime, limits: dict) -> Attempt | None:
    """Count this try before the code is checked (accounts.services.reserve), or None when the limits are
    reached: a burst of tries for one phone checks at most the limit."""
    return reserve_guess(*failure_keys(phone, remote_addr), now, limits)


def check(phone: str, code: str, new_password: str, remote_addr: str, now: datetime, secret_key: str) -> CodeCheck:
    """Read-only: is this the phone's live code? (The try was counted by `reserve`.) On success the new
    password is hashed here, outside the write lock (argon2 is slow on purpose)."""
    person = db.session.scalar(select(User).where(User.phone == phone))
    found = live_code(person.id, now) if person is not None and person.is_active else None
    wanted = code_hash(person.id if person else 0, code, secret_key)
    if found is None or not hmac.compare_digest(found.code_hash, wanted):
        return CodeCheck(phone, remote_addr, WRONG_CODE, user_id=person.id if person else None)
    return CodeCheck(phone, remote_addr, None, person.id, found.id, found.purpose, hash_password(new_password))


def record_failure(result: CodeCheck, now: datetime) -> None:
    """A wrong code (already counted per phone and per address by `reserve`): count it against the person's
    live code, which dies at its fifth wrong try. Conditional updates, so concurrent tries all count."""
    if result.user_id is not None:
        live = OneTimeCode.user_id == result.user_id, _live(now)
        db.session.execute(update(OneTimeCode).where(*live)
                           .values(wrong_attempts=OneTimeCode.wrong_attempts + 1)
                           .execution_options(synchronize_session=False))
        db.session.execute(update(OneTimeCode).where(*live, OneTimeCode.wrong_attempts >= MAX_WRONG_TRIES)
                           .values(voided_at=now).execution_options(synchronize_session=False))
    db.session.flush()


def consume(result: CodeCheck, now: datetime) -> User | None:
    """Use the checked code, once: None when another request used, voided or outlived it meanwhile.
    Sets the new password and ends every session of the person; clears the phone's wrong-code count."""
    used = db.session.execute(update(OneTimeCode).where(OneTimeCode.id == result.code_id, _live(now))
                              .values(used_at=now).execution_options(synchronize_session=False))
    if used.rowcount != 1:
        return None
    person = db.session.get(User, result.user_id)
    person.password_hash = result.new_hash
    person.end_all_sessions(now)
    db.session.execute(LoginFailure.__table__.delete().where(
        LoginFailure.key == failure_keys(result.phone, result.remote_addr)[0]))
    db.session.flush()
    return person

