"""What the administrator's pages list."""
from __future__ import annotations

from sqlalchemy import select

from ..accounts.models import User
from ..communities.models import Community
from ..extensions import db


def communities_of(street_id: int) -> list[Community]:
    return list(db.session.scalars(select(Community).where(Community.street_id == street_id).order_by(Community.id)))


def people_with_role(role: str, community_ids: list[int]) -> list[User]:
    """Everyone of those communities who holds `role`, by community then name."""
    return list(db.session.scalars(select(User).where(User.role == role, User.community_id.in_(community_ids))
                                   .order_by(User.community_id, User.name, User.id)))
