"""The messages teams send, one function per kind of event, called from teams.services in the transaction of
the change."""
from __future__ import annotations

from datetime import datetime

from ..messages import kinds
from ..messages.services import send
from .models import Membership


def application_decided(membership: Membership, approved: bool, now: datetime) -> None:
    team = membership.team
    if approved:
        title, body = f"入队申请通过：{team.name}", f"欢迎加入{team.name}！队伍的活动会显示在队伍页面。"
    else:
        title, body = f"入队申请未通过：{team.name}", f"{team.name}这次没有通过您的入队申请。"
    send([membership.user_id], kinds.TEAM_APPLICATION_DECIDED, title, body, f"/teams/{team.id}", now)


def removed(membership: Membership, now: datetime) -> None:
    team = membership.team
    send([membership.user_id], kinds.TEAM_REMOVED, f"已移出队伍：{team.name}",
         f"您已不是{team.name}的队员。有疑问请联系队长或社区工作人员。", f"/teams/{team.id}", now)
