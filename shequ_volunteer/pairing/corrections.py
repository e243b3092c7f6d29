"""更正 and 删除 of a visit log: the visitor within rules.OWN_FIX_DAYS of logging it, staff of the community always.

A correction passes the checks a new visit passes (services.check_visit_input), with the date judged on the day the
visit was logged. Afterwards everything derived from visits is worked out as log_visit leaves it: the household's
kept latest visit and its pairings' due dates (schedules.refresh), its helpers' feeds, and the kept report figures
(reports.kept_upkeep notes the ORM's update or delete of the Visit and its FollowUp at flush, old and new day both).
Each writes one audit row naming the visit and the household by number, never its people or its note.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from ..accounts.actor import Actor
from ..audit import models as audit
from ..audit.services import record
from ..database import lock_row
from ..extensions import db
from ..refusals import Refused
from ..timeutil import local_date, local_today
from . import rules, schedules
from .models import FOLLOW_UP_OPEN, VISIT_DELETE_REASONS, VISIT_WAYS, FollowUp, Household, Visit
from .services import VisitInput, check_visit_input, helpers_feeds_changed

GONE = "这条探访记录已经删除了"
FOLLOW_UP_BUSY = "这次探访转出的跟进事项已经有工作人员在处理（或已办结），不能删除这条记录；请联系社区工作人员"


def fix_refusal(actor: Actor, visit: Visit, community_id: int, now: datetime) -> str | None:
    """Why this person may not correct or delete the visit now, or None (the caller has checked that they may see
    its household: access.visible_household)."""
    return rules.visit_fix_refusal(actor.can_manage_community(community_id), visit.visitor_id == actor.user_id,
                                   local_date(visit.created_at), local_today(now))


def _locked(actor: Actor, visit: Visit, now: datetime) -> Household:
    """Lock the visit (one correction or deletion at a time), then check it is still there and still theirs."""
    lock_row(Visit, visit.id)
    if db.session.scalar(select(Visit.id).where(Visit.id == visit.id)) is None:
        raise Refused(GONE)
    household = db.session.get(Household, visit.household_id)
    refusal = fix_refusal(actor, visit, household.community_id, now)
    if refusal:
        raise Refused(refusal)
    return household


def _changes(visit: Visit, data: VisitInput) -> list[str]:
    """What a correction changes, in words for the audit row: values of the date, way and duration; only the
    names of the concerns and the note (what a household is struggling with stays out of the record)."""
    changes = []
    if data.visited_on != visit.visited_on:
        changes.append(f"日期 {visit.visited_on:%Y-%m-%d}→{data.visited_on:%Y-%m-%d}")
    if data.way != visit.way:
        changes.append(f"方式 {VISIT_WAYS.get(visit.way, visit.way)}→{VISIT_WAYS[data.way]}")
    if data.duration_minutes != visit.duration_minutes:
        changes.append(f"时长 {visit.duration_minutes}→{data.duration_minutes}分钟")
    if ",".join(sorted(set(data.concerns))) != visit.concerns:
        changes.append("发现的问题")
    if data.note != visit.note:
        changes.append("情况简述")
    return changes


def correct_visit(actor: Actor, visit: Visit, data: VisitInput, now: datetime) -> list[str]:
    """Change a logged visit's date, way, duration, concerns and note. Returns what changed (empty: nothing)."""
    household = _locked(actor, visit, now)
    logged_on = local_date(visit.created_at)
    check_visit_input(data, rules.corrected_date_refusal(data.visited_on, logged_on))
    changes = _changes(visit, data)
    if not changes:
        return changes
    if data.visited_on != visit.visited_on:
        # The moment logging would have given on the day it was logged: the logging instant for that day, else noon.
        visit.visited_at = rules.visit_moment(data.visited_on, visit.created_at)
    visit.visited_on = data.visited_on
    visit.way = data.way
    visit.duration_minutes = data.duration_minutes
    visit.concerns = ",".join(sorted(set(data.concerns)))
    visit.note = data.note
    db.session.flush()
    _derived_again(household, now)
    record(actor, audit.VISIT_CORRECTED, visit, f"帮扶对象 #{household.id} 的探访 #{visit.id}：{'、'.join(changes)}",
           now, community_id=household.community_id)
    return changes


def delete_visit(actor: Actor, visit: Visit, reason: str, now: datetime) -> None:
    """Remove a visit logged by mistake, with its material help lines and the follow-up it raised while no one has
    taken that up yet; a follow-up already handled or closed keeps the visit (Refused)."""
    if reason not in VISIT_DELETE_REASONS:
        raise Refused("请选择删除的原因", "reason")
    household = _locked(actor, visit, now)
    follow_ups = list(db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)
                                         .order_by(FollowUp.id)))
    for follow_up in follow_ups:
        lock_row(FollowUp, follow_up.id)  # as update_follow_up locks it: either it is taken first, or deleted
        db.session.refresh(follow_up)
        if follow_up.status != FOLLOW_UP_OPEN or follow_up.owner_id is not None:
            raise Refused(FOLLOW_UP_BUSY)
    summary = (f"帮扶对象 #{household.id} 的探访 #{visit.id}（{visit.visited_on:%Y-%m-%d}）"
               f"{'，连同未处理的跟进事项' if follow_ups else ''}：{VISIT_DELETE_REASONS[reason]}")
    for follow_up in follow_ups:
        db.session.delete(follow_up)
    for aid in visit.aid_items:
        db.session.delete(aid)
    db.session.flush()  # the rows that refer to the visit go first
    db.session.delete(visit)
    db.session.flush()
    _derived_again(household, now)
    record(actor, audit.VISIT_DELETED, visit, summary, now, community_id=household.community_id)


def _derived_again(household: Household, now: datetime) -> None:
    """What log_visit works out after a visit, again: the board's kept fields and the helpers' feeds."""
    schedules.refresh([household.id])
    helpers_feeds_changed(household.id, now)
