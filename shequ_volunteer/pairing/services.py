"""Pairing use cases. Each takes the actor and `now`, flushes, and leaves the commit to the caller.

The caller has already checked that the actor may see the household (access.visible_household);
what only staff may do is checked here again, so a service cannot be misused by a new view.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import insert, select, update

from ..accounts.actor import Actor
from ..accounts.models import User, is_current_person
from ..audit import models as audit
from ..audit.services import record
from ..database import lock_row
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..figure_marks import figures_touched
from ..refusals import Refused
from ..teams.models import MEMBER_APPROVED, Membership, Team
from ..timeutil import local_today
from . import notify, queries, rules, schedules
from .access import current_helper_ids
from .models import (
    FOLLOW_UP_CLOSED,
    FOLLOW_UP_STATUSES,
    MAJOR_CHANGES,
    PAIRING_EXISTS,
    VISIT_CHECKS,
    VISIT_WAYS,
    FollowUp,
    Household,
    HouseholdEvent,
    Pairing,
    PairingHelper,
    Visit,
    VisitAid,
    active_on,
)

MAX_HELPERS = 2


def _require_staff(actor: Actor, community_id: int) -> None:
    if not actor.can_manage_community(community_id):
        raise Refused("只有本社区的工作人员可以这样做")


def helpers_feeds_changed(household_id: int | None, now: datetime, also=()) -> None:
    """The household's visit event changed in its current helpers' 我的日程 (and in those of `also`: helpers
    who just started or stopped); their turns are worked out again."""
    people = set(also) | (current_helper_ids(household_id, local_today(now)) if household_id else set())
    feeds_changed(now, turns=queries.feed_turns(people, now))


def save_household(actor: Actor, household: Household | None, data: dict, now: datetime) -> Household:
    """Register a household or change its record (staff of the community)."""
    community_id = household.community_id if household else actor.community_id
    _require_staff(actor, community_id)
    refusal = rules.address_refusal(bool(data.get("outside_area")), data.get("address_note") or "",
                                    data.get("building") or "")
    if refusal:
        raise Refused(*refusal)
    kind = audit.HOUSEHOLD_CREATED if household is None else audit.HOUSEHOLD_EDITED
    if household is None:
        household = Household(community_id=community_id, created_at=now)
        db.session.add(household)
    for name in Household.EDITABLE:
        if name in data:
            setattr(household, name, data[name] if data[name] is not None else "")
    household.visit_interval_days = data.get("visit_interval_days") or None  # 0 or empty: the tier's default
    household.categories = ",".join(sorted(set(data.get("categories") or ())))
    if data.get("consent") and household.consent_recorded_at is None:
        household.consent_recorded_at = now
    elif not data.get("consent"):
        household.consent_recorded_at = None
    household.updated_at = now
    db.session.flush()
    schedules.refresh([household.id])  # the tier or the interval may have moved its pairings' due dates
    helpers_feeds_changed(household.id, now)
    # No name, address or category in the summary: the record is read beyond those who may see the household.
    record(actor, kind, household, f"帮扶对象 #{household.id}", now, community_id=community_id)
    return household


def active_pairing(household_id: int, today: date) -> Pairing | None:
    return db.session.scalars(
        select(Pairing).where(Pairing.household_id == household_id, active_on(Pairing, today))
        .order_by(Pairing.id).limit(1)
    ).first()


def current_people_by_phone(phones) -> dict[str, User]:
    """The current (neither stopped nor closed) people with these phones, of any community: one query."""
    phones = set(phones)
    if not phones:
        return {}
    return {person.phone: person for person in db.session.scalars(
        select(User).where(User.phone.in_(phones), is_current_person()))}


def chosen_helpers(community_id: int, phones: list[str], people_by_phone: dict[str, User]) -> list[User]:
    """The helpers these phones name, each once, or Refused: each must be a current person of the household's
    community, and a pairing has at most MAX_HELPERS (`people_by_phone` from current_people_by_phone)."""
    people = []
    for phone in phones:
        person = people_by_phone.get(phone)
        if person is None or person.community_id != community_id:
            raise Refused(f"没有找到本社区手机号为{phone}的居民", "helper_phones")
        if person not in people:
            people.append(person)
    if len(people) > MAX_HELPERS:
        raise Refused(f"最多{MAX_HELPERS}位结对志愿者；人更多时请结对整支队伍", "helper_phones")
    return people


def _helpers_by_phone(community_id: int, phones: list[str]) -> list[User]:
    return chosen_helpers(community_id, phones, current_people_by_phone(phones))


def create_pairing(actor: Actor, household: Household, phones: list[str], team_id: int | None, reason: str,
                   starts_on: date, now: datetime, ends_on: date | None = None) -> Pairing:
    """Pair a household with one or two volunteers, or a whole team (staff)."""
    _require_staff(actor, household.community_id)
    lock_row(Household, household.id)  # one pairing change per household at a time
    today = local_today(now)
    if starts_on > today + timedelta(days=90):
        raise Refused("开始日期太远了（最多三个月后）", "starts_on")
    if active_pairing(household.id, max(today, starts_on)) is not None:
        raise Refused(PAIRING_EXISTS, "helper_phones")
    team = db.session.get(Team, team_id) if team_id else None
    if team_id and (team is None or team.community_id != household.community_id):
        raise Refused("请选择本社区的队伍", "team_id")
    helpers = _helpers_by_phone(household.community_id, phones)
    if not helpers and team is None:
        raise Refused("请填写结对志愿者的手机号，或选择一支队伍", "helper_phones")
    if ends_on is not None and ends_on < starts_on:
        raise Refused("结束日期不能早于开始日期", "ends_on")
    pairing = Pairing(household_id=household.id, team_id=team.id if team else None, reason=reason,
                      starts_on=starts_on, ends_on=ends_on, created_by_id=actor.user_id, created_at=now)
    db.session.add(pairing)
    db.session.flush()
    for person in helpers:
        db.session.add(PairingHelper(pairing_id=pairing.id, user_id=person.id, starts_on=starts_on))
    db.session.flush()
    schedules.refresh([household.id])
    helpers_feeds_changed(None, now, also=[person.id for person in helpers])
    record(actor, audit.PAIRING_CREATED, pairing, f"帮扶对象 #{household.id}：{_helpers_summary(helpers, team)}", now,
           community_id=household.community_id)
    return pairing


def pair_with_helpers(actor: Actor, community_id: int, helpers_of: dict[int, list[User]], reason: str,
                      now: datetime) -> int:
    """Pair many households of one community from today, each with its helpers (chosen by `chosen_helpers`), in
    statements that do not grow with the households (an import; the helpers' calendars are worked out again as
    create_pairing does, one read per helper). The caller has left out households with a pairing; one that
    gained a pairing meanwhile is refused as create_pairing refuses it, by the unique index at the latest.
    Returns how many pairings were made."""
    _require_staff(actor, community_id)
    if not helpers_of:
        return 0
    today = local_today(now)
    households = list(helpers_of)
    pairing_of = dict(db.session.execute(insert(Pairing).returning(Pairing.household_id, Pairing.id), [
        {"household_id": household_id, "team_id": None, "reason": reason, "starts_on": today, "ends_on": None,
         "created_by_id": actor.user_id, "created_at": now} for household_id in households]).all())
    db.session.execute(insert(PairingHelper), [
        {"pairing_id": pairing_of[household_id], "user_id": person.id, "starts_on": today, "ends_on": None}
        for household_id, people in helpers_of.items() for person in people])
    schedules.refresh(households)
    figures_touched(households=households)  # their follow-ups now count for the new pairing's team (none)
    helpers_feeds_changed(None, now, also={person.id for people in helpers_of.values() for person in people})
    return len(households)


def _helpers_summary(people: list[User], team: Team | None) -> str:
    """Who helps, counted rather than named: the audit row outlives the helpers' accounts."""
    parts = [f"{len(people)}位志愿者"] if people else []
    if team is not None:
        parts.append(f"队伍 {team.name}")
    return "、".join(parts)


def may_choose_helpers(actor: Actor, pairing: Pairing, community_id: int) -> bool:
    """Staff choose for any pairing; the leader of a paired team chooses who of the team visits."""
    return actor.can_manage_community(community_id) or (
        pairing.team_id is not None and pairing.team_id in actor.leader_team_ids)


def change_helpers(actor: Actor, pairing: Pairing, phones: list[str], now: datetime) -> list[User]:
    """Handover: helpers not named any more stop today (and lose access); new ones start today."""
    household = pairing.household
    if not may_choose_helpers(actor, pairing, household.community_id):
        raise Refused("只有社区工作人员或结对队伍的队长可以更换志愿者")
    lock_row(Household, household.id)  # one pairing change per household at a time
    today = local_today(now)
    if not pairing.is_active(today):
        raise Refused("这个结对已经结束了", "helper_phones")
    people = _helpers_by_phone(household.community_id, phones)
    if not people and pairing.team_id is None:
        raise Refused("至少要有一位结对志愿者", "helper_phones")
    if pairing.team_id is not None and not actor.can_manage_community(household.community_id):
        members = set(db.session.scalars(select(Membership.user_id).where(
            Membership.team_id == pairing.team_id, Membership.status == MEMBER_APPROVED)))
        outsiders = [p.name for p in people if p.id not in members]
        if outsiders:
            raise Refused(f"{'、'.join(outsiders)}不是本队队员", "helper_phones")
    wanted = {p.id for p in people}
    current = current_helper_ids(household.id, today)
    # Ended as of yesterday: access is lost at once, and the history keeps who helped when.
    db.session.execute(
        update(PairingHelper).where(PairingHelper.pairing_id == pairing.id, PairingHelper.user_id.in_(current - wanted),
                                    active_on(PairingHelper, today))
        .values(ends_on=today - timedelta(days=1))
    )
    for person in people:
        if person.id not in current:
            db.session.add(PairingHelper(pairing_id=pairing.id, user_id=person.id, starts_on=today))
    db.session.flush()
    helpers_feeds_changed(None, now, also=current | wanted)
    team = db.session.get(Team, pairing.team_id) if pairing.team_id else None
    record(actor, audit.PAIRING_HANDED_OVER, pairing, f"帮扶对象 #{household.id}：现为{_helpers_summary(people, team)}",
           now, community_id=household.community_id)
    return people


def end_pairing(actor: Actor, pairing: Pairing, now: datetime) -> None:
    """Staff end a pairing; its helpers and team lose access today."""
    _require_staff(actor, pairing.household.community_id)
    lock_row(Household, pairing.household_id)  # one pairing change per household at a time
    today = local_today(now)
    if not pairing.is_active(today):
        raise Refused("这个结对已经结束了")
    yesterday = today - timedelta(days=1)
    helpers = current_helper_ids(pairing.household_id, today)
    pairing.ends_on = yesterday
    db.session.execute(
        update(PairingHelper).where(PairingHelper.pairing_id == pairing.id,
                                    active_on(PairingHelper, today))
        .values(ends_on=yesterday)
    )
    db.session.flush()
    helpers_feeds_changed(None, now, also=helpers)
    record(actor, audit.PAIRING_ENDED, pairing, f"帮扶对象 #{pairing.household_id}", now,
           community_id=pairing.household.community_id)


def helper_leaves(user_id: int, now: datetime) -> int:
    """A helper who closed their account (注销) stops helping as of yesterday, as a handover would end them:
    they lose access at once, the pairing stays, and one left without helpers (nor a team) shows on the
    board as 未安排 for staff to hand over. Their visits stay in the records. Returns how many rows ended."""
    yesterday = local_today(now) - timedelta(days=1)
    ended = db.session.execute(
        update(PairingHelper)
        .where(PairingHelper.user_id == user_id,
               PairingHelper.ends_on.is_(None) | (PairingHelper.ends_on > yesterday))
        .values(ends_on=yesterday).execution_options(synchronize_session=False)
    ).rowcount
    helpers_feeds_changed(None, now, also=[user_id])
    return ended


@dataclass
class VisitInput:
    way: str
    visited_on: date
    duration_minutes: int
    concerns: list[str] = field(default_factory=list)
    note: str = ""
    aid: list[tuple[str, int]] = field(default_factory=list)  # (item, fen)
    follow_up_reason: str | None = None  # set when "needs follow-up" is ticked


def check_visit_input(data: VisitInput, date_refusal: str | None) -> None:
    """Refused unless a visit's fields may be stored: the date (`date_refusal`, from the rule for logging or for a
    correction) and the way and concerns from the lists. Logging and correcting both ask here."""
    if date_refusal:
        raise Refused(date_refusal, "visited_on")
    if data.way not in VISIT_WAYS or any(key not in VISIT_CHECKS for key in data.concerns):
        raise Refused("请从列出的选项中选择", "way")


def log_visit(actor: Actor, household: Household, data: VisitInput, now: datetime) -> Visit:
    """A helper (or staff, or the paired team's leader) records a visit; a follow-up goes to staff."""
    today = local_today(now)
    check_visit_input(data, rules.visit_date_refusal(data.visited_on, today))
    pairing = active_pairing(household.id, today)
    visit = Visit(household_id=household.id, pairing_id=pairing.id if pairing else None, visitor_id=actor.user_id,
                  way=data.way, visited_on=data.visited_on, visited_at=rules.visit_moment(data.visited_on, now),
                  duration_minutes=data.duration_minutes, concerns=",".join(sorted(set(data.concerns))),
                  note=data.note, needs_follow_up=data.follow_up_reason is not None, created_at=now)
    db.session.add(visit)
    db.session.flush()
    for item, fen in data.aid:
        db.session.add(VisitAid(visit_id=visit.id, item=item, amount_fen=fen))
    if data.follow_up_reason is not None:
        follow_up = FollowUp(community_id=household.community_id, household_id=household.id, visit_id=visit.id,
                             reason=data.follow_up_reason, opened_by_id=actor.user_id, opened_at=now)
        db.session.add(follow_up)
        notify.follow_up_raised(household, follow_up, actor.user_id, now)
    db.session.flush()
    schedules.refresh([household.id])
    helpers_feeds_changed(household.id, now)
    return visit


def report_major_change(actor: Actor, household: Household, kind: str, note: str, now: datetime) -> HouseholdEvent:
    """住院、丧亲…: the household needs a visit within 24 hours."""
    if kind not in MAJOR_CHANGES:
        raise Refused("请从列出的选项中选择", "kind")
    event = HouseholdEvent(household_id=household.id, kind=kind, note=note, happened_at=now,
                           reported_by_id=actor.user_id)
    db.session.add(event)
    db.session.flush()
    schedules.refresh([household.id])
    helpers_feeds_changed(household.id, now)  # due within 24 hours, overdue after: a turn in their feeds
    return event


def update_follow_up(actor: Actor, follow_up: FollowUp, status: str, owner_id: int | None, resolution: str,
                     now: datetime) -> FollowUp:
    """Staff take a follow-up, move it on, or close it with what was done."""
    _require_staff(actor, follow_up.community_id)
    if status not in FOLLOW_UP_STATUSES:
        raise Refused("请从列出的选项中选择", "status")
    lock_row(FollowUp, follow_up.id)  # two staff closing it at once: the second hears it is closed
    if follow_up.status == FOLLOW_UP_CLOSED:
        raise Refused("这条跟进已经办结了")  # a refused state change, not a form error
    if owner_id is not None:
        owner = db.session.get(User, owner_id)
        if owner is None or not owner.is_staff or owner.community_id != follow_up.community_id:
            raise Refused("负责人须是本社区的工作人员", "owner_id")
    if status == FOLLOW_UP_CLOSED and not resolution:
        raise Refused("办结时请写明怎么处理的", "resolution")
    previous_owner = follow_up.owner_id
    follow_up.status = status
    follow_up.owner_id = owner_id if owner_id is not None else (follow_up.owner_id or actor.user_id)
    follow_up.resolution = resolution
    if status == FOLLOW_UP_CLOSED:
        follow_up.closed_at = now
        follow_up.closed_by_id = actor.user_id
    db.session.flush()
    if follow_up.owner_id not in (previous_owner, actor.user_id) and status != FOLLOW_UP_CLOSED:
        notify.follow_up_assigned(follow_up, now)
    return follow_up
