"""What the 街道 administrator does; every change writes its 操作记录 row. Flushes; the caller commits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..accounts.actor import Actor
from ..accounts.models import ROLE_RESIDENT, ROLE_STAFF, ROLE_VIEWER, User, is_current_person
from ..audit import models as audit
from ..audit.services import record
from ..communities.models import Community, Street
from ..database import lock_row
from ..extensions import db
from ..refusals import Refused

NOT_ADMIN = "只有街道的系统管理员可以这样做"
ROLE_CHANGES = {  # (role, appoint?) → (audit kind, the role it needs before, the role it gives)
    (ROLE_STAFF, True): (audit.STAFF_APPOINTED, ROLE_RESIDENT, ROLE_STAFF),
    (ROLE_STAFF, False): (audit.STAFF_REMOVED, ROLE_STAFF, ROLE_RESIDENT),
    (ROLE_VIEWER, True): (audit.VIEWER_APPOINTED, ROLE_RESIDENT, ROLE_VIEWER),
    (ROLE_VIEWER, False): (audit.VIEWER_REMOVED, ROLE_VIEWER, ROLE_RESIDENT),
}
ROLE_WORDS = {ROLE_STAFF: "社区工作人员", ROLE_VIEWER: "街道查看人员"}


def _require_administrator(actor: Actor, street_id: int | None) -> None:
    if actor.is_admin and actor.street_id is None:
        raise Refused("请先建立街道")
    if not actor.can_administer(street_id):
        raise Refused(NOT_ADMIN)


def create_street(actor: Actor, name: str, now: datetime) -> Street:
    """The administrator's 街道, once: they run exactly one."""
    if not actor.is_admin:
        raise Refused(NOT_ADMIN)
    if actor.street_id is not None:
        raise Refused("您已经建立了街道")
    if db.session.scalar(select(Street.id).where(Street.name == name)) is not None:
        raise Refused("这个街道名称已经有了", "name")
    street = Street(name=name)
    db.session.add(street)
    db.session.flush()
    db.session.get(User, actor.user_id).street_id = street.id
    record(actor, audit.STREET_CREATED, street, f"街道：{name}", now, street_id=street.id)
    return street


def save_community(actor: Actor, community: Community | None, name: str, address: str, hotline: str,
                   now: datetime) -> Community:
    """A new community of the administrator's 街道, or a change to one of them."""
    _require_administrator(actor, community.street_id if community else actor.street_id)
    taken = select(Community.id).where(Community.street_id == actor.street_id, Community.name == name)
    if community is not None:
        taken = taken.where(Community.id != community.id)
    if db.session.scalar(taken) is not None:
        raise Refused("本街道已经有这个名称的社区", "name")
    kind = audit.COMMUNITY_CREATED if community is None else audit.COMMUNITY_EDITED
    if community is None:
        community = Community(street_id=actor.street_id)
        db.session.add(community)
    community.name, community.address, community.hotline = name, address, hotline
    db.session.flush()
    record(actor, kind, community, f"社区：{name}", now, community_id=community.id)
    return community


def set_role(actor: Actor, role: str, appoint: bool, phone: str, now: datetime,
             community: Community | None = None) -> User:
    """Appoint or remove a community's staff (by phone, among its residents) — the administrator or that
    community's staff — or a 街道 viewer (among the residents of any community of the 街道; the administrator
    only). One role a person: staff are not made viewers in passing."""
    kind, before, after = ROLE_CHANGES[(role, appoint)]
    street_id = community.street_id if community is not None else actor.street_id
    # Staff of a community appoint and remove its staff as the administrator does; viewers are the 街道's.
    if not (role == ROLE_STAFF and community is not None and actor.can_manage_community(community.id)):
        _require_administrator(actor, street_id)
    person = resident_by_phone(street_id, phone, community)
    if person is not None and person.id == actor.user_id:
        raise Refused("不能改变自己的身份，请请其他工作人员或系统管理员办理", "phone")
    if person is None:
        where = community.name if community is not None else "本街道各社区"
        raise Refused(f"{where}没有用这个手机号注册的居民（请先让对方在网站上注册）", "phone")
    lock_row(User, person.id)  # appointed twice at once: the second hears the role is taken, one audit row
    if person.role != before:
        raise Refused(_why_not(person, role, appoint), "phone")
    person.role = after
    db.session.flush()
    summary = f"社区：{community.name}" if community is not None else "街道查看（只读统计）"
    record(actor, kind, person, summary, now, community_id=community.id if community else None,
           street_id=street_id)
    return person


def resident_by_phone(street_id: int | None, phone: str, community: Community | None = None) -> User | None:
    """The person with that phone among the residents of the community, or of any community of the 街道."""
    query = select(User).join(Community, User.community_id == Community.id).where(
        User.phone == phone, Community.street_id == street_id, is_current_person())
    if community is not None:
        query = query.where(User.community_id == community.id)
    return db.session.scalar(query)


def _why_not(person: User, role: str, appoint: bool) -> str:
    if not appoint:
        return f"{person.name}不是{ROLE_WORDS[role]}"
    if person.role == role:
        return f"{person.name}已经是{ROLE_WORDS[role]}了"
    return f"{person.name}现在是{ROLE_WORDS[person.role]}，请先免去"
