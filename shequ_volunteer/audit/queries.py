"""Reading the 操作记录: whose rows a person may read, and one filtered page of them."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from ..accounts.actor import Actor
from ..accounts.models import COMMAND_LINE_ACTOR, User
from ..extensions import db
from .models import AuditEntry

PAGE_SIZE = 50


def scope_of(actor: Actor):
    """The rows this person may read, as a WHERE clause; None when they may read none.

    Staff read their own community's record; the 街道 administrator every row of their 街道 (before the
    街道 exists, the rows they wrote themselves), never another 街道's.
    """
    if actor.is_staff and actor.community_id is not None:
        return AuditEntry.community_id == actor.community_id
    if actor.is_admin:
        if actor.street_id is None:
            return AuditEntry.actor_id == actor.user_id
        return AuditEntry.street_id == actor.street_id
    return None


@dataclass(frozen=True)
class AuditPage:
    # The entry, the actor's current name, and the target person's current name when it is a person:
    # current names, so a closed account's name lives on nowhere (it becomes the placeholder).
    rows: list[tuple[AuditEntry, str, str | None]]
    page: int
    has_more: bool


def entries(scope, page: int, actor_id: int | None = None, kind: str | None = None) -> AuditPage:
    """Newest first, PAGE_SIZE a page, optionally only one person's or one kind's."""
    target_person = User.__table__.alias("target_person")
    query = (select(AuditEntry, func.coalesce(User.name, COMMAND_LINE_ACTOR), target_person.c.name)
             .outerjoin(User, User.id == AuditEntry.actor_id)
             .outerjoin(target_person, (AuditEntry.target_type == User.__tablename__)
                        & (target_person.c.id == AuditEntry.target_id))
             .where(scope).order_by(AuditEntry.at.desc(), AuditEntry.id.desc()))
    if actor_id is not None:
        query = query.where(AuditEntry.actor_id == actor_id)
    if kind:
        query = query.where(AuditEntry.kind == kind)
    rows = db.session.execute(query.offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE + 1)).all()
    return AuditPage([tuple(row) for row in rows[:PAGE_SIZE]], page, len(rows) > PAGE_SIZE)


def people_in(scope) -> list[tuple[int, str]]:
    """Everyone who has a row in the scope, by their current name: the choices of the person filter."""
    return list(db.session.execute(
        select(User.id, User.name).where(User.id.in_(select(AuditEntry.actor_id).where(scope)))
        .order_by(User.name, User.id)
    ).all())
