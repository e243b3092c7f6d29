"""Team use cases: apply, approve or decline, leaders, create and edit teams."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..accounts.actor import Actor
from ..accounts.models import User, is_current_person
from ..audit import models as audit
from ..audit.services import record
from ..database import lock_row
from ..decisions import decide_pending
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..figure_marks import figures_touched
from ..refusals import Refused
from . import notify
from .models import (
    MEMBER_APPROVED,
    MEMBER_LEFT,
    MEMBER_PENDING,
    MEMBER_REMOVED,
    REMOVAL_REASONS,
    ROLE_LEADER,
    ROLE_MEMBER,
    Membership,
    Team,
)


def _membership(team_id: int, user_id: int) -> Membership | None:
    return db.session.scalar(
        select(Membership).where(Membership.team_id == team_id, Membership.user_id == user_id)
    )


def apply_to_join(actor: Actor, team: Team, now: datetime) -> Membership:
    """Ask to join; a declined or former member may ask again."""
    if team.community_id != actor.community_id:
        # Leaders see applicants' phone numbers: keep them within the community.
        raise Refused("只能申请加入本社区的队伍")
    lock_row(Team, team.id)  # one membership change per team at a time (uq_memberships_team_id backs it)
    membership = _membership(team.id, actor.user_id)
    if membership is not None and membership.status == MEMBER_APPROVED:
        raise Refused("您已经是这支队伍的队员")
    if membership is not None and membership.status == MEMBER_PENDING:
        raise Refused("已提交申请，请等待队长审核")
    if membership is None:
        membership = Membership(team_id=team.id, user_id=actor.user_id, created_at=now)
        db.session.add(membership)
    membership.status = MEMBER_PENDING
    membership.role = ROLE_MEMBER
    membership.created_at = now
    membership.decided_at = None
    membership.decided_by_id = None
    db.session.flush()
    return membership


def decide(actor: Actor, membership: Membership, approve: bool, now: datetime) -> Membership:
    """Leader or staff approves or declines a pending application."""
    decide_pending(Membership, membership, approve, actor.user_id, now, "这条申请已经处理过了")
    figures_touched(members=[(membership.team_id, membership.user_id)])
    db.session.flush()
    notify.application_decided(membership, approve, now)
    return membership


def leave(actor: Actor, team: Team, now: datetime) -> None:
    lock_row(Team, team.id)
    membership = _membership(team.id, actor.user_id)
    if membership is None or membership.status not in (MEMBER_APPROVED, MEMBER_PENDING):
        raise Refused("您不是这支队伍的队员")
    membership.status = MEMBER_LEFT
    membership.role = ROLE_MEMBER
    membership.decided_at = now
    db.session.flush()


def remove_member(actor: Actor, membership: Membership, reason: str, now: datetime) -> Membership:
    """A leader removes a member of their team, or staff anyone of their community's teams (a leader too,
    whose leadership ends with it). The row stays, marked 已移出, so the team's history keeps them."""
    team = membership.team
    lock_row(Team, team.id)  # removed twice at once: the second hears it is done, one audit row
    if membership.user_id == actor.user_id:
        raise Refused("不能移出自己；要离开队伍请用“退出队伍”")
    if membership.status != MEMBER_APPROVED:
        raise Refused("这位居民已经不是本队队员了")
    if membership.role == ROLE_LEADER and not actor.can_manage_community(team.community_id):
        raise Refused("队长只能由社区工作人员移出")
    membership.status = MEMBER_REMOVED
    membership.role = ROLE_MEMBER
    membership.decided_at = now
    membership.decided_by_id = actor.user_id
    db.session.flush()
    record(actor, audit.MEMBER_REMOVED, membership.user, f"队伍：{team.name}；原因：{REMOVAL_REASONS[reason]}", now,
           community_id=team.community_id)
    notify.removed(membership, now)
    return membership


def set_leader(actor: Actor, team: Team, phone: str, make_leader: bool, now: datetime) -> Membership:
    """Staff appoint or remove a leader by phone; a new leader becomes a member too."""
    user = db.session.scalar(
        select(User).where(User.phone == phone, User.community_id == team.community_id, is_current_person())
    )
    if user is None:
        raise Refused("本社区没有用这个手机号注册的居民")
    lock_row(Team, team.id)
    membership = _membership(team.id, user.id)
    if not make_leader and (membership is None or membership.role != ROLE_LEADER
                            or membership.status != MEMBER_APPROVED):
        raise Refused("这位居民不是本队队长")
    if membership is None:
        membership = Membership(team_id=team.id, user_id=user.id, created_at=now)
        db.session.add(membership)
    membership.status = MEMBER_APPROVED
    membership.role = ROLE_LEADER if make_leader else ROLE_MEMBER
    membership.decided_at = now
    membership.decided_by_id = actor.user_id
    db.session.flush()
    record(actor, audit.LEADER_APPOINTED if make_leader else audit.LEADER_REMOVED, user, f"队伍：{team.name}", now,
           community_id=team.community_id)
    return membership


def save_team(actor: Actor, team: Team | None, name: str, kind: str, description: str, now: datetime) -> Team:
    """Create a team in the actor's community, or edit one."""
    if team is None:
        team = Team(community_id=actor.community_id)
        db.session.add(team)
    renamed = team.name != name
    if renamed:
        team.updated_at = now
    team.name, team.kind, team.description = name, kind, description
    db.session.flush()
    if renamed:  # the name is in every calendar event's title: feeds must change
        feeds_changed(now, teams=[team.id], team_names_in=[team.community_id])
    return team

