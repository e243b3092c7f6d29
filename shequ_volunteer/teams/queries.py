"""Read helpers for team pages. Stopped and closed accounts are on no roster (is_current_person)."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy import func, select

from ..accounts.models import User, is_current_person
from ..activities.models import Activity
from ..extensions import db
from .models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, Membership, Team


def teams_with_counts(community_id: int | None) -> list[tuple[Team, int]]:
    """Teams and their number of members, in one query."""
    members = (
        select(Membership.team_id, func.count().label("n"))
        .join(User, User.id == Membership.user_id)
        .where(Membership.status == MEMBER_APPROVED, is_current_person())
        .group_by(Membership.team_id)
        .subquery()
    )
    query = (
        select(Team, func.coalesce(members.c.n, 0))
        .outerjoin(members, members.c.team_id == Team.id)
        .order_by(Team.id)
    )
    if community_id is not None:
        query = query.where(Team.community_id == community_id)
    return [(team, count) for team, count in db.session.execute(query)]


def roster(team_id: int) -> list[tuple[Membership, User]]:
    """Approved members, leaders first."""
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id, Membership.status == MEMBER_APPROVED, is_current_person())
        .order_by((Membership.role == ROLE_LEADER).desc(), Membership.created_at)
    )
    return list(db.session.execute(query))


def pending_applications(team_id: int) -> list[tuple[Membership, User]]:
    query = (
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.team_id == team_id, Membership.status == MEMBER_PENDING, is_current_person())
        .order_by(Membership.created_at)
    )
    return list(db.session.execute(query))


def leaders(team_id: int) -> list[User]:
    query = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.team_id == team_id, Membership.status == MEMBER_APPROVED,
               Membership.role == ROLE_LEADER, is_current_person())
    )
    return list(db.session.scalars(query))


def leader_ids_by_team(team_ids: Iterable[int]) -> dict[int, list[int]]:
    """The current leaders of each of these teams, by team (one statement; none for no teams): whom the scheduled
    word about a team's activity or its households goes to."""
    ids = set(team_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(Membership.team_id, Membership.user_id).join(User, User.id == Membership.user_id)
        .where(Membership.team_id.in_(ids), Membership.status == MEMBER_APPROVED, Membership.role == ROLE_LEADER,
               is_current_person())
        .order_by(Membership.team_id, Membership.user_id))
    by_team: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in rows:
        by_team[team_id].append(user_id)
    return dict(by_team)


def upcoming_activities(team_id: int, now, limit: int = 20) -> list[Activity]:
    query = (
        select(Activity)
        .where(Activity.team_id == team_id, Activity.ends_at > now)
        .order_by(Activity.starts_at)
        .limit(limit)
    )
    return list(db.session.scalars(query))
