"""The call list: the people a message does not reach, to be phoned instead. One list per thing they must hear
about — an activity that was cancelled, restored or moved (activities/notify.py), or a notice sent to an activity's
people or a team (notices/services.py). Each person stays on it until a leader or staff member ticks 已电话通知.
Who may see and tick a list is the caller's rule (the activity's or the notice's managers)."""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, exists, or_, select, update

from ..accounts.actor import Actor
from ..accounts.models import LoginSession, User
from ..extensions import db
from ..refusals import Refused
from .models import PhoneCall


@dataclass(frozen=True)
class Subject:
    """What a list is about: one activity or one notice (phone_calls holds exactly one of the two)."""

    activity_id: int | None = None
    notice_id: int | None = None

    @classmethod
    def activity(cls, activity_id: int) -> Subject:
        return cls(activity_id=activity_id)

    @classmethod
    def notice(cls, notice_id: int) -> Subject:
        return cls(notice_id=notice_id)

    def matches(self):
        """SQL: the calls of this list."""
        if self.activity_id is not None:
            return PhoneCall.activity_id == self.activity_id
        return PhoneCall.notice_id == self.notice_id


def cannot_receive():
    """SQL: a person messages do not reach — registered on their behalf without a password, or never signed
    in (no login_sessions row at all)."""
    return or_(User.password_hash == "", ~exists().where(LoginSession.user_id == User.id))


def put_on_list(subject: Subject, user_ids: Iterable[int], change: str, now: datetime) -> None:
    """Those of `user_ids` whom messages do not reach go on the list (one open call each, saying the latest
    `change`: someone still to be called about an earlier change hears the newest). Two statements and a flush."""
    ids = list(user_ids)
    if not ids:
        return
    unreachable = db.session.scalars(select(User.id).where(User.id.in_(ids), cannot_receive())).all()
    if not unreachable:
        return
    still_open = {call.user_id: call for call in db.session.scalars(
        select(PhoneCall).where(subject.matches(), PhoneCall.called_at.is_(None)))}
    for user_id in unreachable:
        call = still_open.get(user_id)
        if call is None:
            db.session.add(PhoneCall(activity_id=subject.activity_id, notice_id=subject.notice_id, user_id=user_id,
                                     change=change, created_at=now))
        else:
            call.change, call.created_at = change, now
    db.session.flush()


def open_calls(subject: Subject) -> list[PhoneCall]:
    """Still to call, in the order they were put on the list (their person loaded with them)."""
    return list(db.session.scalars(
        select(PhoneCall).where(subject.matches(), PhoneCall.called_at.is_(None))
        .join(PhoneCall.user).order_by(PhoneCall.id)))


def is_on(subject: Subject, call_id: int) -> bool:
    """Is this call one of this list's (ticked or not)? A call of another list is not found (404)."""
    return db.session.scalar(select(PhoneCall.id).where(PhoneCall.id == call_id, subject.matches())) is not None


def mark_called(actor: Actor, subject: Subject, call_id: int, now: datetime) -> None:
    """已电话通知, recorded with who and when; once only (the caller checked the actor may tick this list)."""
    done = db.session.execute(
        update(PhoneCall).where(PhoneCall.id == call_id, subject.matches(), PhoneCall.called_at.is_(None))
        .values(called_at=now, called_by_id=actor.user_id).execution_options(synchronize_session=False)).rowcount
    if not done:
        raise Refused("这位已经标记过电话通知了")


def forget(user_id: int) -> None:
    """注销: nobody is left to phone (their places were given up); ticked calls stay as the organisers' record."""
    db.session.execute(delete(PhoneCall).where(PhoneCall.user_id == user_id, PhoneCall.called_at.is_(None)))
