"""注销: a person closes their own account.

What the site keeps afterwards is what the community's figures need, unnamed: past sign-ups,
attendance, hours, visits and memberships stay (counted), but nothing says who they were. Everything
happens in the caller's one transaction, with one ACCOUNT_CLOSED audit row.

Who may close: everyone, except a 街道's only administrator (the 街道 would be left with nobody to run
it; another administrator must exist first). Staff and viewers may close; their role ends with the
account. A closed administrator keeps the role's row shape (no community) but can never log in again.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, select, update

from ..accounts.actor import actor_for
from ..accounts.codes import void_unused
from ..accounts.models import (
    ROLE_ADMIN,
    ROLE_RESIDENT,
    ROLE_STAFF,
    ROLE_VIEWER,
    LoginFailure,
    User,
    is_current_person,
)
from ..activities.services import give_up_future_places
from ..audit import models as audit
from ..audit.services import record
from ..calendar import tokens
from ..database import lock_row
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..messages import calls
from ..messages import services as messages
from ..pairing.services import helper_leaves
from ..refusals import Refused
from ..reports.certificates import anonymise_holder
from ..teams.models import MEMBER_LEFT, MEMBER_PENDING, ROLE_LEADER, ROLE_MEMBER, Membership

CLOSED_NAME = "已注销用户"
ONLY_ADMINISTRATOR = "您是本街道唯一的系统管理员，注销前请先让另一位系统管理员接手"
ALREADY_CLOSED = "这个账号已经注销了"


def closed_phone(user_id: int) -> str:
    """Unique like a phone (the column is), never a phone (no digit-only 11 characters), fits String(11)."""
    return f"x{user_id}"


def close_refusal(user: User) -> str | None:
    """Why this person may not close their account now, or None."""
    if not user.is_admin:
        return None
    others = db.session.scalar(select(func.count()).select_from(User).where(
        User.role == ROLE_ADMIN, User.id != user.id, is_current_person(),
        User.street_id.is_(None) if user.street_id is None else User.street_id == user.street_id))
    return None if others else ONLY_ADMINISTRATOR


def close_account(user: User, now: datetime) -> None:
    """Close the account (the caller has checked the password and the confirmation); flushes."""
    lock_row(User, user.id)  # closed twice at once (a double tap): the second hears it is closed
    if user.closed_at is not None:
        raise Refused(ALREADY_CLOSED)
    refusal = close_refusal(user)
    if refusal:
        raise Refused(refusal)
    actor = actor_for(user)  # who they were when they closed it, for the audit row
    old_phone = user.phone
    withdrawn = len(give_up_future_places(user.id, now))
    helped = helper_leaves(user.id, now)
    # A closed person leads nothing, and their open applications are taken back; approved memberships
    # stay, since they are counted in the figures.
    db.session.execute(update(Membership).where(Membership.user_id == user.id, Membership.role == ROLE_LEADER)
                       .values(role=ROLE_MEMBER).execution_options(synchronize_session=False))
    db.session.execute(update(Membership).where(Membership.user_id == user.id, Membership.status == MEMBER_PENDING)
                       .values(status=MEMBER_LEFT, decided_at=now).execution_options(synchronize_session=False))
    tokens.revoke(user.id, now, by_id=user.id)
    db.session.execute(delete(LoginFailure).where(LoginFailure.key == f"phone:{old_phone}"))
    void_unused(user.id, now)
    messages.forget(user.id)
    calls.forget(user.id)
    anonymise_holder(user.id, CLOSED_NAME)
    if user.role in (ROLE_STAFF, ROLE_VIEWER):
        user.role = ROLE_RESIDENT
    user.name = CLOSED_NAME
    user.phone = closed_phone(user.id)
    user.grid = user.estate = user.building = user.room = ""  # what the community's list said of them
    user.birth_year = None
    user.password_hash = ""
    user.closed_at = now
    user.end_all_sessions(now)
    db.session.flush()
    feeds_changed(now, people=[user.id])
    summary = f"本人注销账号：退出{withdrawn}个未开始的活动，结束{helped}个结对中的志愿者身份"
    record(actor, audit.ACCOUNT_CLOSED, user, summary, now,
           community_id=user.community_id, street_id=user.street_id)
