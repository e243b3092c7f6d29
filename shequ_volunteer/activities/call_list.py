"""The call list: who holds a place but cannot receive messages, to be phoned about a cancellation or a
change (notify.py puts them on it). Each stays until the organiser ticks 已电话通知."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update

from ..accounts.actor import Actor
from ..extensions import db
from ..refusals import Refused
from .models import Activity, PhoneCall


def open_calls(activity_id: int) -> list[PhoneCall]:
    """Still to call, in the order they were put on the list (their person loaded with them)."""
    return list(db.session.scalars(
        select(PhoneCall).where(PhoneCall.activity_id == activity_id, PhoneCall.called_at.is_(None))
        .join(PhoneCall.user).order_by(PhoneCall.id)))


def mark_called(actor: Actor, activity: Activity, call_id: int, now: datetime) -> None:
    """已电话通知, recorded with who and when; once only (the caller checked the actor manages the activity)."""
    done = db.session.execute(
        update(PhoneCall).where(PhoneCall.id == call_id, PhoneCall.activity_id == activity.id,
                                PhoneCall.called_at.is_(None))
        .values(called_at=now, called_by_id=actor.user_id).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Refused("这位已经标记过电话通知了")


def forget(user_id: int) -> None:
    """注销: nobody is left to phone (their places were given up); ticked calls stay as the organisers' record."""
    db.session.execute(delete(PhoneCall).where(PhoneCall.user_id == user_id, PhoneCall.called_at.is_(None)))
