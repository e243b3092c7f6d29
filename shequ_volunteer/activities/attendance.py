"""Attendance use cases: self check-in with the activity's code, and the leader's roster."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..accounts.actor import Actor
from ..accounts.models import LoginFailure
from ..extensions import db
from ..refusals import Refused
from . import checkin
from .models import ATTENDANCE_LABELS, SIGNUP_CONFIRMED, Activity, AttendanceChange, Signup
from .services import signups_changed


def _set(signup: Signup, attendance: str, actor: Actor, via: str, now: datetime) -> Signup:
    signup.attendance = attendance
    signup.updated_at = now
    if attendance in ("present", "late") and signup.checked_in_at is None:
        signup.checked_in_at = now
    db.session.add(AttendanceChange(signup_id=signup.id, attendance=attendance, changed_by_id=actor.user_id,
                                    via=via, at=now))
    db.session.flush()
    signups_changed(signup.activity, [signup.user_id], now)  # the calendars date the event from this change
    return signup


def _failure_key(activity_id: int, user_id: int) -> str:
    return f"checkin:{activity_id}:{user_id}"


def check_in_with_code(actor: Actor, activity: Activity, typed: str, secret: str, now: datetime) -> Signup:
    """The resident types (or scans) the code; checking in twice changes nothing."""
    refusal = checkin.window_refusal(activity.starts_at, activity.ends_at, now)
    if activity.is_cancelled:
        refusal = "活动已取消"
    if refusal:
        raise Refused(refusal)
    key = _failure_key(activity.id, actor.user_id)
    wrong = db.session.scalar(select(func.count()).select_from(LoginFailure).where(LoginFailure.key == key))
    if wrong >= checkin.MAX_WRONG_CODES:
        raise Refused(checkin.TOO_MANY_WRONG)
    if not checkin.code_matches(secret, activity.id, typed):
        raise Refused(checkin.WRONG_CODE)  # the caller counts it: record_wrong_code
    signup = db.session.scalar(select(Signup).where(
        Signup.activity_id == activity.id, Signup.user_id == actor.user_id, Signup.status == SIGNUP_CONFIRMED))
    if signup is None:
        raise Refused(checkin.NOT_SIGNED_UP)
    if signup.attendance in ("present", "late"):
        return signup  # twice is harmless
    return _set(signup, checkin.arrival_status(activity.starts_at, now), actor, "code", now)


def record_wrong_code(activity: Activity, actor: Actor, now: datetime) -> None:
    db.session.add(LoginFailure(key=_failure_key(activity.id, actor.user_id), at=now))
    db.session.flush()


def mark(actor: Actor, activity: Activity, signup_id: int, attendance: str, now: datetime) -> Signup:
    """The leader ticks a name: 出席 / 迟到 / 缺席 / 请假 (caller checked the actor manages it)."""
    if attendance not in ATTENDANCE_LABELS:
        raise Refused("请选择出席、迟到、缺席或请假")
    if now < activity.starts_at - timedelta(days=1):
        raise Refused("活动前一天起才能登记出勤")
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.activity_id != activity.id or signup.status != SIGNUP_CONFIRMED:
        raise Refused("这位居民不在报名名单里")
    if signup.attendance == attendance:
        return signup
    return _set(signup, attendance, actor, "roster", now)
