"""The people a file's phones name, read in a few statements however long the file, and what a row would
change about one of them. Shared by the residents and team-member imports."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from .plan import Change, shown

# Phones per lookup: within what both databases take as bound parameters in one statement.
LOOKUP_CHUNK = 5000
# What a community's list says about a person, besides name and phone (staff-only fields of User).
DETAILS = {"grid": "网格", "estate": "小区", "building": "楼栋", "room": "室", "birth_year": "出生年份"}
# A new person's details when the list gives none; every new row has every column (one batched INSERT).
BLANK = {name: None if name == "birth_year" else "" for name in DETAILS}
OTHER_COMMUNITY = "这个手机号已登记在其他社区"
STOPPED = "这个人的账号已停用，请先在居民页恢复再导入"


@dataclass(frozen=True)
class Person:
    id: int
    phone: str
    name: str
    community_id: int | None
    can_log_in: bool
    stopped: bool
    details: dict


def chunks(items: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(items), size):
        yield items[start:start + size]


def people_by_phone(phones) -> dict[str, Person]:
    """Everyone holding one of these phones, of any community (closed accounts hold none)."""
    found = {}
    columns = [getattr(User, name) for name in DETAILS]
    for part in chunks(sorted(set(phones))):
        for row in db.session.execute(select(User.id, User.phone, User.name, User.community_id, User.password_hash,
                                             User.deactivated_at, *columns).where(User.phone.in_(part))):
            found[row.phone] = Person(row.id, row.phone, row.name, row.community_id, bool(row.password_hash),
                                      row.deactivated_at is not None, {name: getattr(row, name) for name in DETAILS})
    return found


def refusal(person: Person, community_id: int) -> str | None:
    """Why a row may not touch this person: of another community (or the 街道), or stopped by staff."""
    if person.community_id != community_id:
        return OTHER_COMMUNITY
    if person.stopped:
        return STOPPED
    return None


def changes(person: Person, values: dict) -> dict:
    """Column → new value for what the row gives and the site holds otherwise. A blank cell changes nothing
    (a list missing a detail must not erase it); the name changes only for people registered on their behalf:
    a person with their own login chose their name themselves."""
    found = {name: values[name] for name in DETAILS
             if values.get(name) not in ("", None) and values[name] != person.details[name]}
    if values.get("name") and values["name"] != person.name and not person.can_log_in:
        found["name"] = values["name"]
    return found


def described(person: Person | None, new: dict) -> tuple[Change, ...]:
    """The preview's old → new for a person (old blank for a new one)."""
    labels = {"name": "姓名", **DETAILS}
    old = {"name": person.name, **person.details} if person else {}
    return tuple(Change(labels[name], shown(old.get(name)), shown(value)) for name, value in new.items()
                 if value not in ("", None))
