"""The messages activities send, one function per kind of event, called from activities.services in the
transaction of the change (a rolled-back change sends nothing). People who hold a place but cannot receive
messages go on the activity's call list instead (messages/calls.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..accounts.models import User, is_current_person
from ..extensions import db
from ..messages import calls, kinds
from ..messages.services import send
from ..teams.models import MEMBER_APPROVED, ROLE_LEADER, Membership
from ..timeutil import format_local
from .models import HOLDING_A_PLACE, SIGNUP_CONFIRMED, Activity, Signup


def link_of(activity: Activity) -> str:
    return f"/activities/{activity.id}"


def _when_where(activity: Activity) -> str:
    return f"{format_local(activity.starts_at)}，{activity.place}"


def _holders(activity_id: int) -> list[int]:
    """Everyone holding a place: confirmed, 待审核 or waiting."""
    return list(db.session.scalars(
        select(Signup.user_id).where(Signup.activity_id == activity_id, Signup.status.in_(HOLDING_A_PLACE))
        .order_by(Signup.id)))


def _leaders(activity: Activity) -> list[int]:
    return list(db.session.scalars(
        select(Membership.user_id).join(User, User.id == Membership.user_id)
        .where(Membership.team_id == activity.team_id, Membership.role == ROLE_LEADER,
               Membership.status == MEMBER_APPROVED, is_current_person())))


def _tell_holders(activity: Activity, kind: str, title: str, body: str, skip: int | None, now: datetime) -> None:
    """A message to everyone holding a place (not the person who made the change), and the people among them
    who cannot receive it onto the activity's call list."""
    holders = [user_id for user_id in _holders(activity.id) if user_id != skip]
    send(holders, kind, title, body, link_of(activity), now)
    calls.put_on_list(calls.Subject.activity(activity.id), holders, body, now)


def activity_cancelled(actor_id: int | None, activity: Activity, now: datetime) -> None:
    _tell_holders(activity, kinds.ACTIVITY_CANCELLED, f"活动取消：{activity.title}",
                  f"活动已取消：{activity.title}（原定{_when_where(activity)}）", actor_id, now)


def activity_restored(actor_id: int | None, activity: Activity, now: datetime) -> None:
    _tell_holders(activity, kinds.ACTIVITY_RESTORED, f"活动恢复：{activity.title}",
                  f"活动恢复，照常进行：{activity.title}，{_when_where(activity)}。您的报名保留。", actor_id, now)


def activity_changed(actor_id: int | None, activity: Activity, before: dict, now: datetime) -> None:
    """Time or place changed: old → new, for what changed only."""
    changes = []
    if (before["starts_at"], before["ends_at"]) != (activity.starts_at, activity.ends_at):
        changes.append(f"时间：{format_local(before['starts_at'])} → {format_local(activity.starts_at)}")
    if before["place"] != activity.place:
        changes.append(f"地点：{before['place']} → {activity.place}")
    if changes:
        _tell_holders(activity, kinds.ACTIVITY_CHANGED, f"活动有变动：{activity.title}",
                      f"{activity.title} " + "；".join(changes), actor_id, now)


def promoted(activity: Activity, user_ids: list[int], status: str, now: datetime) -> None:
    """From the waiting list to a place (or to 待审核, when the leader approves sign-ups)."""
    state = "正式报名" if status == SIGNUP_CONFIRMED else "报名，等待队长审核"
    send(user_ids, kinds.PROMOTED, f"候补转正：{activity.title}",
         f"您已从候补转为{state}：{activity.title}，{_when_where(activity)}", link_of(activity), now)
    if status != SIGNUP_CONFIRMED:
        awaits_approval(activity, len(user_ids), now)


def signup_reviewed(activity: Activity, user_id: int, approved: bool, now: datetime) -> None:
    if approved:
        title, body = f"报名通过：{activity.title}", f"队长通过了您的报名：{activity.title}，{_when_where(activity)}"
    else:
        title, body = f"报名未通过：{activity.title}", f"队长没有通过您这次的报名：{activity.title}"
    send([user_id], kinds.SIGNUP_REVIEWED, title, body, link_of(activity), now)


def cant_come(activity: Activity, now: datetime) -> None:
    """Tell the team's leaders that someone said 我去不了. Who it is shows on the roster the link leads to: a
    message never names another person (it would outlive their 注销 in someone else's inbox)."""
    send(_leaders(activity), kinds.CANT_COME, f"有人去不了：{activity.title}",
         f"有一位报名的居民说去不了：{activity.title}，{_when_where(activity)}。名单上已标出。", link_of(activity), now)


def awaits_approval(activity: Activity, count: int, now: datetime) -> None:
    """Tell the team's leaders that sign-ups wait for their approval."""
    if count:
        send(_leaders(activity), kinds.SIGNUP_AWAITS_APPROVAL, f"报名待审核：{activity.title}",
             f"{count}条报名等待您审核：{activity.title}，{format_local(activity.starts_at)}", link_of(activity), now)
