"""Booking a community room for an activity or a whole series: refused on a clash."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from ..extensions import db
from ..rooms.models import Room
from ..rooms.queries import clash_message, first_clash, lock_room
from .services import ActivityInput


def check_booking(community_id: int, data: ActivityInput, starts: list[datetime],
                  ignore_ids: list[int]) -> tuple[ActivityInput, str | None]:
    """The input with the room's name as place when none was typed, and why the room cannot
    be booked at those starts (None when it can). Locks the room until the transaction ends."""
    if data.room_id is None:
        return data, None
    room = db.session.get(Room, data.room_id)
    if room is None or room.community_id != community_id:
        return data, "请从列表中选择本社区的场地"
    if data.capacity is None or data.capacity > room.capacity:
        return data, f"{room.name}最多容纳{room.capacity}人，请把名额填在{room.capacity}以内"
    lock_room(room.id)
    length = data.ends_at - data.starts_at
    clash = first_clash(room.id, [(start, start + length) for start in starts], ignore_ids)
    if clash is not None:
        return data, clash_message(room, clash)
    return (data if data.place else replace(data, place=room.name)), None
