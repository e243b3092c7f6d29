"""Who is asking: the current user with their team memberships, loaded once a request."""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import abort, has_request_context, request
from flask_login import current_user

from ..teams.models import MEMBER_APPROVED, ROLE_LEADER, Membership


@dataclass(frozen=True)
class Actor:
    """The facts the permission rules need about the person making a request."""

    user_id: int | None
    community_id: int | None
    is_staff: bool = False
    is_viewer: bool = False
    member_team_ids: frozenset[int] = field(default_factory=frozenset)
    leader_team_ids: frozenset[int] = field(default_factory=frozenset)
    pending_team_ids: frozenset[int] = field(default_factory=frozenset)

    @property
    def is_authenticated(self) -> bool:
        return self.user_id is not None

    @property
    def role_label(self) -> str:
        """What the person is on this site, in the words the community uses."""
        if self.is_staff:
            return "社区工作人员"
        if self.is_viewer:
            return "街道查看"
        if self.leader_team_ids:
            return "队长"
        if self.member_team_ids:
            return "志愿者"
        return "居民"

    def can_manage_team(self, team) -> bool:
        """Leader of that team, or staff of its community."""
        if self.is_staff and team.community_id == self.community_id:
            return True
        return team.id in self.leader_team_ids

    def can_see_roster(self, team) -> bool:
        return self.can_manage_team(team) or team.id in self.member_team_ids

    def can_manage_community(self, community_id: int) -> bool:
        return self.is_staff and community_id == self.community_id


ANONYMOUS = Actor(user_id=None, community_id=None)


def actor_for(user) -> Actor:
    """Build the Actor for a user object (or the anonymous user)."""
    if not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    rows = Membership.query.filter_by(user_id=user.id).with_entities(
        Membership.team_id, Membership.role, Membership.status
    ).all()
    approved = {r.team_id for r in rows if r.status == MEMBER_APPROVED}
    leading = {r.team_id for r in rows if r.status == MEMBER_APPROVED and r.role == ROLE_LEADER}
    pending = {r.team_id for r in rows if r.status == "pending"}
    return Actor(
        user_id=user.id,
        community_id=user.community_id,
        is_staff=user.is_staff,
        is_viewer=user.is_viewer,
        member_team_ids=frozenset(approved),
        leader_team_ids=frozenset(leading),
        pending_team_ids=frozenset(pending),
    )


ACTOR_KEY = "shequ.actor"


def current_actor() -> Actor:
    """The Actor of this request, computed on first use and kept on the request."""
    if not has_request_context():
        return ANONYMOUS
    if ACTOR_KEY not in request.environ:
        request.environ[ACTOR_KEY] = actor_for(current_user)
    return request.environ[ACTOR_KEY]


def forget_actor() -> None:
    """Drop the cached Actor after a change to the user's memberships."""
    request.environ.pop(ACTOR_KEY, None)


def require(allowed: bool, status: int = 403) -> None:
    """Stop the request unless the permission rule allowed it."""
    if not allowed:
        abort(status)
