"""Hours use cases. Each takes the actor and `now`, flushes, and leaves the commit to the caller."""
from __future__ import annotations

from datetime import date, datetime

from ..accounts.actor import Actor
from ..accounts.models import User
from ..activities.models import Activity, Signup
from ..audit import models as audit
from ..audit.services import record
from ..database import lock_row
from ..decisions import decide_pending
from ..extensions import db
from ..figure_marks import figures_touched
from ..refusals import Refused
from ..timeutil import local_date, local_today
from . import notify, rules
from .models import APPROVED, KIND_CLAIM, KIND_CORRECTION, PENDING, HoursEntry


def correct(actor: Actor, activity: Activity, signup: Signup, minutes: int, now: datetime) -> HoursEntry:
    """A leader sets the hours one attendance counts (the caller checked the actor manages it). Each
    correction is its own entry, as a log; the sign-up is locked so a withdrawal cannot slip in between."""
    lock_row(Signup, signup.id)
    if signup.activity_id != activity.id or signup.status != "confirmed":
        raise Refused("这位居民不在报名名单里")
    signup.service_minutes = minutes
    entry = HoursEntry(user_id=signup.user_id, team_id=activity.team_id, signup_id=signup.id, kind=KIND_CORRECTION,
                       status=APPROVED, minutes=minutes, served_on=local_date(activity.starts_at),
                       note=f"更正：{activity.title}", entered_by_id=actor.user_id, decided_by_id=actor.user_id,
                       created_at=now, decided_at=now)
    db.session.add(entry)
    db.session.flush()
    record(actor, audit.HOURS_CORRECTED, db.session.get(User, signup.user_id),
           f"「{activity.title}」计{minutes}分钟", now, community_id=activity.team.community_id)
    return entry


def claim(actor: Actor, team_id: int, served_on: date, minutes: int, note: str, now: datetime) -> HoursEntry:
    """补录: a volunteer reports service done outside the site; it counts once staff approve."""
    if team_id not in actor.member_team_ids:
        raise Refused("只能为自己所在的队伍补录")
    refusal = rules.claim_refusal(served_on, local_today(now), minutes)
    if refusal:
        raise Refused(refusal)
    entry = HoursEntry(user_id=actor.user_id, team_id=team_id, kind=KIND_CLAIM, status=PENDING, minutes=minutes,
                       served_on=served_on, note=note, entered_by_id=actor.user_id, created_at=now)
    db.session.add(entry)
    db.session.flush()
    notify.claim_awaits(entry, now)
    return entry


def decide(actor: Actor, entry: HoursEntry, approve: bool, now: datetime) -> HoursEntry:
    """Staff approve or decline a pending claim (the caller checked the community)."""
    decide_pending(HoursEntry, entry, approve, actor.user_id, now, "这条补录已经处理过了")
    figures_touched(team_days=[(entry.team_id, entry.served_on)])
    db.session.flush()
    record(actor, audit.HOURS_APPROVED if approve else audit.HOURS_DECLINED, db.session.get(User, entry.user_id),
           f"{entry.served_on:%Y-%m-%d} 补录{entry.minutes}分钟", now, community_id=entry.team.community_id)
    return entry
