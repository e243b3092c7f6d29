"""Putting messages in the outbox: called by the services whose change causes them, in the same transaction
(a rolled-back change queues nothing). Nothing here talks to the outside world."""
from __future__ import annotations

from datetime import datetime

from ..accounts.actor import Actor
from ..audit import models as audit
from ..audit.services import record
from ..extensions import db
from ..refusals import Refused
from ..teams.models import Team
from .models import CHANNEL_DINGTALK, CHANNEL_SMS, OutboxMessage
from .rules import channel_of, webhook_problem


def queue_for_team(team, body: str, now: datetime) -> OutboxMessage | None:
    """A post to the team's work group, if it has one; delivered later by `deliver_due`."""
    if not team.webhook_url:
        return None
    message = OutboxMessage(channel=channel_of(team.webhook_url), team_id=team.id, body=body,
                            next_attempt_at=now, created_at=now)
    db.session.add(message)
    db.session.flush()
    return message


def queue_sms(phone: str, body: str, now: datetime) -> OutboxMessage:
    """An SMS, for when a community has a provider (see senders.SmsSender)."""
    message = OutboxMessage(channel=CHANNEL_SMS, recipient=phone, body=body, next_attempt_at=now, created_at=now)
    db.session.add(message)
    db.session.flush()
    return message



def set_team_webhook(actor: Actor, team: Team, url: str | None, now: datetime, allow_local: bool = False) -> None:
    """Set (or with None, remove) the team's work-group robot; audited without the address (a secret)."""
    if not actor.can_manage_team(team):
        raise Refused("您不能设置这支队伍的工作群")
    problem = webhook_problem(url, allow_local) if url is not None else None
    if problem:
        raise Refused(problem, "webhook_url")
    team.webhook_url = url
    db.session.flush()
    robot = ("钉钉" if channel_of(url) == CHANNEL_DINGTALK else "企业微信") if url else "已删除"
    record(actor, audit.TEAM_WORK_GROUP_SET if url else audit.TEAM_WORK_GROUP_REMOVED, team,
           f"{team.name}（{robot}）", now, community_id=team.community_id)
