"""Room clashes (found by the database) and the week view."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from ..activities.models import STATUS_CANCELLED, Activity
from ..extensions import db
from ..timeutil import local_date, local_midnight, to_local
from .models import Room


def lock_room(room_id: int) -> None:
    """Serialise bookings of one room (PostgreSQL row lock; SQLite holds the write lock already)."""
    db.session.execute(select(Room.id).where(Room.id == room_id).with_for_update())


def first_clash(room_id: int, spans: list[tuple[datetime, datetime]], ignore_ids: list[int]) -> Activity | None:
    """An activity already in the room during any of the spans (half-open: back-to-back is fine)."""
    if not spans:
        return None
    overlaps = [(Activity.starts_at < end) & (Activity.ends_at > start) for start, end in spans]
    condition = overlaps[0]
    for more in overlaps[1:]:
        condition = condition | more
    query = (
        select(Activity)
        .where(Activity.room_id == room_id, Activity.status != STATUS_CANCELLED, condition)
        .order_by(Activity.starts_at)
        .limit(1)
    )
    if ignore_ids:
        query = query.where(Activity.id.not_in(ignore_ids))
    return db.session.scalar(query)


def clash_message(room: Room, clash: Activity) -> str:
    start, end = to_local(clash.starts_at), to_local(clash.ends_at)
    return f"{room.name}在{start:%m月%d日 %H:%M}–{end:%H:%M}已被“{clash.title}”使用，请换时间或场地"


def rooms_of(community_id: int) -> list[Room]:
    return list(db.session.scalars(select(Room).where(Room.community_id == community_id).order_by(Room.name)))


def week(community_id: int, monday: date) -> tuple[list[Room], dict[tuple[int, date], list[Activity]]]:
    """Bookings of every room for the week starting `monday`, by (room, Shanghai day)."""
    start = local_midnight(monday)
    end = start + timedelta(days=7)
    rooms = rooms_of(community_id)
    bookings = db.session.scalars(
        select(Activity).join(Activity.team).options(contains_eager(Activity.team))
        .where(Activity.room_id.in_([r.id for r in rooms]), Activity.status != STATUS_CANCELLED,
               Activity.starts_at < end, Activity.ends_at > start)
        .order_by(Activity.starts_at)
    ).all()
    by_cell: dict[tuple[int, date], list[Activity]] = {}
    for activity in bookings:
        by_cell.setdefault((activity.room_id, local_date(activity.starts_at)), []).append(activity)
    return rooms, by_cell
