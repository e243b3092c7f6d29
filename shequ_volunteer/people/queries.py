"""Reading people for staff: one page of a community's people, a person's teams, their account state."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select

from ..accounts.models import User
from ..extensions import db
from ..phones import phone_search
from ..teams.models import MEMBER_APPROVED, ROLE_LEADER, Membership, Team

PAGE_SIZE = 50
MAX_PAGE = 10_000  # keeps OFFSET within the database's integers

NOT_OPENED, OPENED, STOPPED = "not_opened", "opened", "stopped"
ACCOUNT_STATE_LABELS = {NOT_OPENED: "未开通", OPENED: "已开通", STOPPED: "已停用"}


def account_state(person: User) -> str:
    """Stopped by staff, registered on their behalf and never opened, or a working login."""
    if person.deactivated_at is not None:
        return STOPPED
    return OPENED if person.can_log_in else NOT_OPENED


@dataclass(frozen=True)
class PeoplePage:
    people: list[User]
    page: int
    has_more: bool


def people_of(community_id: int, search: str, page: int) -> PeoplePage:
    """The community's people by name, PAGE_SIZE a page, optionally those whose name or phone contains
    `search`. Stopped accounts are listed (staff restore them from here); closed ones are gone."""
    query = select(User).where(User.community_id == community_id, User.closed_at.is_(None))
    if search:
        # A number is found however it was typed ('138 0000 0003', +86 …), as the login takes it.
        query = query.where(or_(User.name.contains(search, autoescape=True),
                                User.phone.contains(phone_search(search) or search, autoescape=True)))
    query = query.order_by(User.name, User.id).offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)
    rows = list(db.session.scalars(query))
    return PeoplePage(rows[:PAGE_SIZE], page, len(rows) > PAGE_SIZE)


def teams_of(user_id: int) -> list[tuple[Team, bool]]:
    """The teams the person belongs to, and whether they lead each."""
    rows = db.session.execute(select(Team, Membership.role).join(Membership, Membership.team_id == Team.id)
                              .where(Membership.user_id == user_id, Membership.status == MEMBER_APPROVED)
                              .order_by(Team.name, Team.id)).all()
    return [(team, role == ROLE_LEADER) for team, role in rows]
