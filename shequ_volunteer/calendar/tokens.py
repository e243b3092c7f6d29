"""Secret feed links: 256 random bits in the URL, only their SHA-256 in the database."""
from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import String, bindparam, func, literal, null, select, update
from sqlalchemy.orm import aliased

from ..accounts.models import User, is_current_person
from ..database import read_alone
from ..extensions import db
from ..feed_versions.models import PERSONAL, TEAM_LIVE, TEAM_NAMES, FeedVersion
from .models import KIND_PERSONAL, FeedToken

SECRET_BYTES = 32  # 256 bits; the issue asks for at least 128


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


def issue(user_id: int, kind: str, now: datetime, team_id: int | None = None) -> str:
    """A new link for this person and feed; any earlier one of the same feed stops working at once."""
    revoke(user_id, now, by_id=user_id, kind=kind, team_id=team_id)
    secret = secrets.token_urlsafe(SECRET_BYTES)
    db.session.add(FeedToken(user_id=user_id, kind=kind, team_id=team_id, secret_hash=hash_secret(secret),
                             created_at=now))
    db.session.flush()
    return secret


@dataclass(frozen=True)
class FeedOwner:
    """What serving a secret feed needs to know, read as plain columns (no ORM objects)."""

    token_id: int
    kind: str
    team_id: int | None
    revoked_at: datetime | None
    secret_hash: str
    user_id: int
    name: str
    reminder_minutes: int | None
    # The feed's row in feed_versions (0 / None: it never changed), read with the token: its validator.
    version: int
    changed_at: datetime | None
    turns: str | None  # 我的日程: the moments it changes by itself (feed_versions.models.passed_turns)
    names_version: int  # 我的日程: the names of the community's teams
    names_changed_at: datetime | None


@cache
def _lookup(kind: str):
    """The token, its owner and the feed's version rows, in one statement. Built once per kind: feeds are
    polled all day, and building a statement costs more than running it."""
    own, names = aliased(FeedVersion), aliased(FeedVersion)
    personal = kind == KIND_PERSONAL
    statement = (select(FeedToken.id, FeedToken.kind, FeedToken.team_id, FeedToken.revoked_at, FeedToken.secret_hash,
                        User.id, User.name, User.reminder_minutes, func.coalesce(own.version, 0), own.changed_at,
                        own.turns, func.coalesce(names.version, 0) if personal else literal(0),
                        names.changed_at if personal else null())
                 .join(User, User.id == FeedToken.user_id)
                 .where(FeedToken.secret_hash == bindparam("secret_hash", type_=String),
                        is_current_person()))  # a stopped account's links answer 404 until it is reactivated
    if personal:
        return (statement.outerjoin(own, (own.scope == PERSONAL) & (own.scope_id == User.id))
                .outerjoin(names, (names.scope == TEAM_NAMES) & (names.scope_id == User.community_id)))
    return statement.outerjoin(own, (own.scope == TEAM_LIVE) & (own.scope_id == FeedToken.team_id))


def find(secret: str, kind: str) -> FeedOwner | None:
    """The live token for a secret from a URL and its owner, or None. The lookup is by hash (an
    index probe that reveals nothing about near misses); the final comparison is constant-time."""
    if not secret or len(secret) > 100:
        return None
    wanted = hash_secret(secret)
    # Outside the session: a 304 then never opens the session's transaction (BEGIN and ROLLBACK were a
    # quarter of its cost on PostgreSQL).
    found = read_alone(_lookup(kind), {"secret_hash": wanted})
    if found is None:
        return None
    owner = FeedOwner(*found)
    if owner.revoked_at is not None or owner.kind != kind:
        return None
    return owner if hmac.compare_digest(owner.secret_hash, wanted) else None


def active(user_id: int) -> list[FeedToken]:
    return list(db.session.scalars(select(FeedToken).where(FeedToken.user_id == user_id,
                                                           FeedToken.revoked_at.is_(None))
                                   .order_by(FeedToken.id)))


def revoke(user_id: int, now: datetime, by_id: int, kind: str | None = None, team_id: int | None = None) -> int:
    """Revoke a person's links (one feed, or all of them); returns how many stopped working."""
    statement = update(FeedToken).where(FeedToken.user_id == user_id, FeedToken.revoked_at.is_(None))
    if kind is not None:
        statement = statement.where(FeedToken.kind == kind)
        statement = statement.where(FeedToken.team_id.is_(None) if team_id is None else FeedToken.team_id == team_id)
    result = db.session.execute(statement.values(revoked_at=now, revoked_by_id=by_id)
                                .execution_options(synchronize_session=False))
    return result.rowcount
