"""Who may do what: the facts about a person the permission rules need, and the rules themselves.

Domain knowledge, not web plumbing: services, rules and queries take an Actor; `web.auth` only
finds the Actor of the current request.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..teams.models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, Membership
from .models import ROLE_ADMIN, ROLE_LABELS, ROLE_RESIDENT, ROLE_STAFF, ROLE_TEAM_LEADER, ROLE_VIEWER, ROLE_VOLUNTEER


@dataclass(frozen=True)
class Actor:
    """The facts the permission rules need about the person making a request."""

    user_id: int | None
    community_id: int | None
    is_staff: bool = False
    is_viewer: bool = False
    # The 街道 administrator: no community, staff of none; `street_id` is the 街道 they run (None until created).
    is_admin: bool = False
    street_id: int | None = None
    member_team_ids: frozenset[int] = field(default_factory=frozenset)
    leader_team_ids: frozenset[int] = field(default_factory=frozenset)
    pending_team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def is_staff_or_leader(self) -> bool:
        """Community staff, or the leader of any team: those who organise (the pairing board, room bookings)."""
        return self.is_staff or bool(self.leader_team_ids)

    @property
    def role(self) -> str:
        """What the person is on this site: staff, viewer or administrator by account, else leader or volunteer
        by team, else resident."""
        if self.is_staff:
            return ROLE_STAFF
        if self.is_viewer:
            return ROLE_VIEWER
        if self.is_admin:
            return ROLE_ADMIN
        if self.leader_team_ids:
            return ROLE_TEAM_LEADER
        if self.member_team_ids:
            return ROLE_VOLUNTEER
        return ROLE_RESIDENT

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[self.role]

    def can_manage_team(self, team) -> bool:
        """Leader of that team, or staff of its community."""
        if self.is_staff and team.community_id == self.community_id:
            return True
        return team.id in self.leader_team_ids

    def can_see_roster(self, team) -> bool:
        return self.can_manage_team(team) or team.id in self.member_team_ids

    def can_manage_community(self, community_id: int) -> bool:
        return self.is_staff and community_id == self.community_id

    def can_administer(self, street_id: int | None) -> bool:
        """The 系统管理员 of that 街道: its communities, their staff and its viewers. Never another 街道."""
        return self.is_admin and street_id is not None and street_id == self.street_id


ANONYMOUS = Actor(user_id=None, community_id=None)


def command_line_actor(community_id: int) -> Actor:
    """Whoever runs a command on the server for a community (`flask import`): staff of it for every check, but
    no person of the site, so the audit and access rows written name no one (shown as 服务器命令行)."""
    return Actor(user_id=None, community_id=community_id, is_staff=True)


def actor_for(user) -> Actor:
    """Build the Actor for a user object (or the anonymous user)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    rows = Membership.query.filter_by(user_id=user.id).with_entities(
        Membership.team_id, Membership.role, Membership.status
    ).all()
    approved = {r.team_id for r in rows if r.status == MEMBER_APPROVED}
    leading = {r.team_id for r in rows if r.status == MEMBER_APPROVED and r.role == ROLE_LEADER}
    pending = {r.team_id for r in rows if r.status == MEMBER_PENDING}
    return Actor(
        user_id=user.id,
        community_id=user.community_id,
        is_staff=user.is_staff,
        is_viewer=user.is_viewer,
        is_admin=user.is_admin,
        street_id=user.street_id,
        member_team_ids=frozenset(approved),
        leader_team_ids=frozenset(leading),
        pending_team_ids=frozenset(pending),
    )
