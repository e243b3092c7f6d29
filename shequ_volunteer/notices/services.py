"""Posting and withdrawing notices. Flushes; the caller commits (with the inbox messages and outbox rows)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select

from ..accounts.actor import Actor
from ..accounts.models import User, is_current_person
from ..activities.models import HOLDING_A_PLACE, Activity, Signup
from ..audit import models as audit
from ..audit.services import record
from ..extensions import db
from ..messages import calls
from ..messages.services import send
from ..outbox.services import queue_for_team
from ..outbox.texts import notice_text
from ..refusals import Refused
from ..teams.models import MEMBER_APPROVED, Membership, Team
from ..timeutil import local_midnight, local_today
from .models import AUDIENCE_ACTIVITY, AUDIENCE_COMMUNITY, AUDIENCE_TEAM, Notice

MESSAGE_KIND = "notice"


@dataclass(frozen=True)
class Audience:
    """Whom a notice is for: the whole community, one team, or the people of one activity."""

    kind: str
    community_id: int
    team: Team | None = None
    activity: Activity | None = None

    @classmethod
    def of_community(cls, community_id: int) -> Audience:
        return cls(AUDIENCE_COMMUNITY, community_id)

    @classmethod
    def of_team(cls, team: Team) -> Audience:
        return cls(AUDIENCE_TEAM, team.community_id, team=team)

    @classmethod
    def of_activity(cls, activity: Activity) -> Audience:
        return cls(AUDIENCE_ACTIVITY, activity.team.community_id, team=activity.team, activity=activity)


def may_post(actor: Actor, audience: Audience) -> bool:
    """Staff to their community (and any of its teams and activities); a leader only to their own team and
    its activities — never to the community or another team."""
    if audience.kind == AUDIENCE_COMMUNITY:
        return actor.can_manage_community(audience.community_id)
    return actor.can_manage_team(audience.team)


def may_manage(actor: Actor, notice: Notice) -> bool:
    """See its read counts, copy its group text, print it, withdraw it: whoever may post to its audience."""
    return may_post(actor, audience_of(notice))


def may_read(actor: Actor, notice: Notice, is_for_them: bool) -> bool:
    """A community notice anyone (it is on the home page, until withdrawn); a team's its current members (the
    team page lists it to them); otherwise those it is for (`is_for_them`: sent to them, or for an activity's,
    holding a place in it now — the activity's page lists it to them) and those who manage it. Nobody else
    learns that it exists, nor who else it went to."""
    if may_manage(actor, notice) or is_for_them:
        return True
    if notice.audience == AUDIENCE_COMMUNITY:
        return notice.withdrawn_at is None
    return notice.audience == AUDIENCE_TEAM and notice.team_id in actor.member_team_ids


def audience_of(notice: Notice) -> Audience:
    if notice.audience == AUDIENCE_ACTIVITY:
        return Audience.of_activity(notice.activity)
    if notice.audience == AUDIENCE_TEAM:
        return Audience.of_team(notice.team)
    return Audience.of_community(notice.community_id)


def recipients_query(audience: Audience):
    """SQL: the ids of the current people a notice is for (accounts neither stopped nor closed)."""
    query = select(User.id).where(is_current_person())
    if audience.kind == AUDIENCE_COMMUNITY:
        return query.where(User.community_id == audience.community_id)
    if audience.kind == AUDIENCE_TEAM:
        return query.join(Membership, Membership.user_id == User.id).where(
            Membership.team_id == audience.team.id, Membership.status == MEMBER_APPROVED)
    return query.join(Signup, Signup.user_id == User.id).where(
        Signup.activity_id == audience.activity.id, Signup.status.in_(HOLDING_A_PLACE))


def post(actor: Actor, audience: Audience, title: str, body: str, expires_on: date | None, pinned: bool,
         now: datetime) -> Notice:
    """Post a notice: the row, one inbox message per person it is for (in bulk), the team's work group post;
    for a team's or an activity's notice, those among them whom messages do not reach go on its call list
    (a community-wide notice goes on the stairwell boards instead: its print page)."""
    if not may_post(actor, audience):
        raise Refused("您不能向这些人发公告")
    if expires_on is not None and expires_on < local_today(now):
        raise Refused("有效期不能早于今天", "expires_on")
    notice = Notice(community_id=audience.community_id, audience=audience.kind,
                    team_id=audience.team.id if audience.team else None,
                    activity_id=audience.activity.id if audience.activity else None,
                    title=title, body=body, pinned=pinned, created_by_id=actor.user_id, created_at=now,
                    expires_at=local_midnight(expires_on + timedelta(days=1)) if expires_on else None)
    db.session.add(notice)
    db.session.flush()
    user_ids = db.session.scalars(recipients_query(audience)).all()
    notice.recipients = send(user_ids, MESSAGE_KIND, f"公告：{title}", body, f"/notices/{notice.id}", now,
                             notice_id=notice.id)
    if audience.kind != AUDIENCE_COMMUNITY:
        calls.put_on_list(calls.Subject.notice(notice.id), user_ids, f"公告：{title}", now)
    if audience.team is not None:
        queue_for_team(audience.team, notice_text(notice), now)
    return notice


def withdraw(actor: Actor, notice: Notice, now: datetime) -> Notice:
    """撤回: off the home and team pages; the inbox copies stay (they say 已撤回 on the notice's page)."""
    if not may_manage(actor, notice):
        raise Refused("您不能撤回这条公告")
    if notice.withdrawn_at is None:
        notice.withdrawn_at = now
        db.session.flush()
        record(actor, audit.NOTICE_WITHDRAWN, notice, f"「{notice.title}」", now, community_id=notice.community_id)
    return notice
