"""Stopping an account and starting it again (停用 / 恢复), as staff do when someone moves away, dies, or misuses it.

A stopped person loses access at their very next request in every process (the session version rises and
`session_user` refuses stopped accounts), their calendar links answer 404 (`calendar.tokens` finds only
current people), and they leave rosters, searches and pickers (`is_current_person`). Past sign-ups,
attendance, hours and visits stay: they are the community's figures. Their future places are given up
through the sign-up service, so waiting lists move as if they had withdrawn.
"""
from __future__ import annotations

from datetime import datetime

from ..accounts import codes
from ..accounts.actor import Actor
from ..accounts.models import User
from ..activities import services as signups
from ..audit import models as audit
from ..audit.services import record
from ..database import lock_row
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..refusals import Refused

# Chosen, not typed: the 操作记录 carries no free text about a person.
DEACTIVATION_REASONS = {
    "moved": "搬离本社区",
    "deceased": "已故",
    "misuse": "违规使用",
    "asked": "本人要求",
    "other": "其他原因",
}


def _require_staff_of(actor: Actor, person: User) -> None:
    if person.community_id is None or not actor.can_manage_community(person.community_id):
        raise Refused("只能管理本社区居民的账号")


def deactivate(actor: Actor, person: User, reason: str, now: datetime) -> list[int]:
    """Stop the account; returns the activities whose places were given up."""
    _require_staff_of(actor, person)
    if person.id == actor.user_id:
        raise Refused("不能停用自己的账号")
    lock_row(User, person.id)  # stopped twice at once: the second hears it is stopped, one audit row
    if person.closed_at is not None:
        raise Refused("这个账号已经注销了")
    if person.deactivated_at is not None:
        raise Refused("这个账号已经停用了")
    person.deactivated_at = now
    person.deactivation_reason = reason
    person.end_all_sessions(now)
    codes.void_unused(person.id, now)
    given_up = signups.give_up_future_places(person.id, now)
    db.session.flush()
    feeds_changed(now, people=[person.id])  # its link answers 404 from now on
    record(actor, audit.ACCOUNT_DEACTIVATED, person, f"原因：{DEACTIVATION_REASONS[reason]}", now,
           community_id=person.community_id)
    return given_up


def reactivate(actor: Actor, person: User, now: datetime) -> None:
    """Start the account again: they log in afresh; places given up are not taken back."""
    _require_staff_of(actor, person)
    lock_row(User, person.id)
    if person.closed_at is not None:
        raise Refused("这个账号已经注销了，不能恢复")
    if person.deactivated_at is None:
        raise Refused("这个账号没有停用")
    person.deactivated_at = None
    person.deactivation_reason = None
    db.session.flush()
    record(actor, audit.ACCOUNT_REACTIVATED, person, "恢复使用", now, community_id=person.community_id)
