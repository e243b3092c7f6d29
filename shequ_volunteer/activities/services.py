"""Activity use cases. Each takes the actor and `now`, flushes, and leaves the commit to the caller."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from ..accounts.actor import Actor, actor_for
from ..accounts.models import User
from ..audit import models as audit
from ..audit.services import record
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..figure_marks import figures_touched
from ..outbox.services import queue_for_team
from ..outbox.texts import activity_text
from ..refusals import Refused
from ..rooms.queries import clash_message, first_clash, lock_room
from ..timeutil import format_local
from . import notify, rules
from .models import (
    HOLDING_A_PLACE,
    HOLDING_SEATS,
    SIGNUP_CONFIRMED,
    SIGNUP_DECLINED,
    SIGNUP_PENDING,
    SIGNUP_WAITING,
    SIGNUP_WITHDRAWN,
    STATUS_CANCELLED,
    STATUS_SCHEDULED,
    Activity,
    Signup,
)


def context_of(activity: Activity) -> rules.SignupContext:
    return rules.SignupContext(
        status=activity.status,
        starts_at=activity.starts_at,
        signup_deadline=activity.signup_deadline,
        withdraw_deadline=activity.withdraw_deadline,
        ends_at=activity.ends_at,
        audience=activity.audience,
        capacity=activity.capacity,
        seats_taken=activity.seats_taken,
        community_id=activity.team.community_id,
        waitlist_enabled=activity.waitlist_enabled,
    )


def closed_tag(activity: Activity, now: datetime) -> str | None:
    """报名已截止 / 已开始 for a card, from the same rule that refuses the sign-up; None while open."""
    return rules.CLOSED_TAGS.get(rules.closed_refusal(context_of(activity), now=now))


# A sign-up's status in the words of the rule (withdrawn counts as none: the person may come back).
_RULE_SIGNUP = {SIGNUP_CONFIRMED: rules.HOLDING, SIGNUP_PENDING: rules.PENDING, SIGNUP_WAITING: rules.WAITING,
                SIGNUP_DECLINED: rules.DECLINED}


def signup_decision(actor: Actor, activity: Activity, signup: Signup | None, now: datetime) -> rules.SignupDecision:
    """The one sign-up rule, for this actor and their sign-up row: the page and sign_up both ask it."""
    person = rules.Person(
        signed_in=actor.is_authenticated,
        community_id=actor.community_id,
        is_member=activity.team_id in actor.member_team_ids,
        signup=_RULE_SIGNUP.get(signup.status) if signup is not None else None,
    )
    return rules.signup_decision(context_of(activity), person, now=now)


def lock_activity(activity_id: int) -> None:
    """Serialise changes to one activity's places.

    A row lock on PostgreSQL; on SQLite the request already holds the database
    write lock (BEGIN IMMEDIATE), where FOR UPDATE is silently ignored.
    """
    db.session.execute(select(Activity.id).where(Activity.id == activity_id).with_for_update())


def reserve_seats(activity_id: int, seats: int) -> bool:
    """Take seats if they are free, atomically. False when they are not.

    The WHERE clause is evaluated under the lock, so concurrent callers cannot
    overbook, and the CHECK constraint would refuse it if they tried.
    """
    result = db.session.execute(
        update(Activity)
        .where(Activity.id == activity_id, Activity.status != STATUS_CANCELLED)
        .where((Activity.capacity.is_(None)) | (Activity.seats_taken + seats <= Activity.capacity))
        .values(seats_taken=Activity.seats_taken + seats)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def _free_seats(activity_id: int, amount: int) -> None:
    db.session.execute(
        update(Activity)
        .where(Activity.id == activity_id)
        .values(seats_taken=Activity.seats_taken - amount)
        .execution_options(synchronize_session=False)
    )


def _move(signup_id: int, from_status: str, now: datetime, **values) -> bool:
    """Change a sign-up's status only if it still has `from_status` (no double moves)."""
    figures_touched(signups=[signup_id])  # past the ORM: the report's kept figures hear it here
    return db.session.execute(
        update(Signup)
        .where(Signup.id == signup_id, Signup.status == from_status)
        .values(updated_at=now, **values)
        .execution_options(synchronize_session=False)
    ).rowcount == 1


def holders(activity_id: int) -> list[int]:
    """Who holds seats in the activity: the people whose 我的日程 shows it."""
    return list(db.session.scalars(select(Signup.user_id).where(Signup.activity_id == activity_id,
                                                               Signup.status.in_(HOLDING_SEATS))))


def activity_changed(activity: Activity, now: datetime) -> None:
    """What the activity's event says changed: its team's feeds and the holders' own calendars."""
    feeds_changed(now, people=holders(activity.id), teams=[activity.team_id])


def signups_changed(activity: Activity, user_ids, now: datetime) -> None:
    """These people's sign-ups for the activity changed: their calendars and the team's live counts."""
    feeds_changed(now, people=user_ids, team_signups=[activity.team_id])


def sign_up(actor: Actor, activity: Activity, now: datetime, seats: int = 1) -> Signup:
    """Sign the actor up for `seats` seats; when full, join the waiting list.

    Raises Refused with the reason when neither is possible.
    """
    # Seats first: a household larger than the activity must hear so, not join a queue it can never leave.
    refusal = rules.seats_refusal(seats, activity.max_seats_per_signup, activity.capacity)
    if refusal is not None:
        raise Refused(refusal)
    lock_activity(activity.id)
    db.session.refresh(activity)  # the places as they are under the lock
    existing = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id)
    )
    decision = signup_decision(actor, activity, existing, now)
    if decision.refusal is not None:
        raise Refused(decision.refusal)
    if reserve_seats(activity.id, seats):
        status, queued_at = _holding_status(activity), None
    elif activity.waitlist_enabled and activity.capacity is not None and not activity.is_cancelled:
        status, queued_at = SIGNUP_WAITING, now
    else:
        raise Refused(rules.FULL)
    values = {"status": status, "seats": seats, "queued_at": queued_at, "promoted_at": None}
    if existing is None:
        existing = Signup(activity_id=activity.id, user_id=actor.user_id, created_at=now, updated_at=now, **values)
        db.session.add(existing)
        try:
            db.session.flush()
        except IntegrityError as error:  # the same person, twice at once
            raise Refused(rules.ALREADY) from error
    else:
        if not _move(existing.id, SIGNUP_WITHDRAWN, now, **values):
            raise Refused(rules.ALREADY)
        db.session.refresh(existing)
    db.session.refresh(activity)
    signups_changed(activity, [actor.user_id], now)
    if status == SIGNUP_PENDING:
        notify.awaits_approval(activity, 1, now)
    return existing


def cant_come(actor: Actor, activity: Activity, now: datetime) -> Signup:
    """"我去不了": after the withdrawal deadline the place stays taken, and the leader is told."""
    if not rules.may_say_cant_come(context_of(activity), now=now):
        raise Refused("现在可以直接取消报名" if activity.withdraw_deadline and now <= activity.withdraw_deadline
                            else "现在不能这样操作")
    signup = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == actor.user_id,
                             Signup.status == SIGNUP_CONFIRMED)
    )
    if signup is None:
        raise Refused(rules.NOT_SIGNED_UP)
    if signup.cant_come_at is None:
        signup.cant_come_at = now
        signup.updated_at = now
        db.session.flush()
        signups_changed(activity, [signup.user_id], now)  # the event's stamp is the sign-up's change
        notify.cant_come(activity, now)
    return signup


def _holding_status(activity: Activity) -> str:
    """Seats are held either way; with approval on, the leader still has to say yes."""
    return SIGNUP_PENDING if activity.requires_approval else SIGNUP_CONFIRMED


def review(actor: Actor, activity: Activity, signup_id: int, approve: bool, now: datetime) -> Signup:
    """The leader approves or declines a 待审核 sign-up; a declined one frees its seats."""
    lock_activity(activity.id)
    signup = db.session.get(Signup, signup_id)
    if signup is None or signup.activity_id != activity.id:
        raise Refused("这条报名不在这个活动里")
    if not _move(signup.id, SIGNUP_PENDING, now, status=SIGNUP_CONFIRMED if approve else SIGNUP_DECLINED):
        raise Refused("这条报名已经处理过了")
    signups_changed(activity, [signup.user_id], now)
    notify.signup_reviewed(activity, signup.user_id, approve, now)
    if not approve:
        _free_seats(activity.id, signup.seats)
        promote_waiting(activity, now)
    db.session.flush()
    db.session.refresh(signup)
    return signup


def sign_up_on_behalf(actor: Actor, activity: Activity, person: User, now: datetime, seats: int = 1) -> Signup:
    """代报名: staff or a leader signs someone up; the row records who entered it.

    The same rules apply as when the person signs up themselves (places, deadline,
    members-only), judged for that person.
    """
    if person.community_id != activity.team.community_id:
        raise Refused("只能为本社区的居民代报名")
    signup = sign_up(actor_for(person), activity, now, seats)
    signup.entered_by_id = actor.user_id
    db.session.flush()
    return signup


def promote_waiting(activity: Activity, now: datetime) -> list[int]:
    """Fill free places from the waiting list (first who fits, in queue order).

    Call with the activity locked. Returns the promoted sign-up ids.
    """
    db.session.refresh(activity)
    if activity.is_cancelled:
        return []
    queue = db.session.execute(
        select(Signup.id, Signup.seats)
        .where(Signup.activity_id == activity.id, Signup.status == SIGNUP_WAITING)
        .order_by(Signup.queued_at, Signup.id)
    ).all()
    seats_of = {row.id: row.seats for row in queue}
    promoted = []
    for signup_id in rules.promotions(activity.places_left, list(seats_of.items())):
        if not reserve_seats(activity.id, seats_of[signup_id]):
            break
        if _move(signup_id, SIGNUP_WAITING, now, status=_holding_status(activity), promoted_at=now):
            promoted.append(signup_id)
        else:  # left the list meanwhile: give the seats back
            _free_seats(activity.id, seats_of[signup_id])
    db.session.refresh(activity)
    if promoted:
        people = list(db.session.scalars(select(Signup.user_id).where(Signup.id.in_(promoted))))
        signups_changed(activity, people, now)
        notify.promoted(activity, people, _holding_status(activity), now)
    return promoted


def withdraw(actor: Actor, activity: Activity, now: datetime) -> Signup:
    """Withdraw the actor's sign-up or leave the waiting list; freed seats go to the queue."""
    refusal = rules.withdrawal_refusal(context_of(activity), now=now)
    if refusal is not None:
        raise Refused(refusal)
    return release_place(activity, actor.user_id, now)


def release_place(activity: Activity, user_id: int, now: datetime) -> Signup:
    """Give up a person's place or queue position, whatever the deadlines (a withdrawal the rules allowed,
    or staff stopping an account); freed seats go to the queue."""
    lock_activity(activity.id)
    signup = db.session.scalar(
        select(Signup).where(Signup.activity_id == activity.id, Signup.user_id == user_id)
    )
    if signup is None or signup.status == SIGNUP_WITHDRAWN:
        raise Refused(rules.NOT_SIGNED_UP)
    held_seats = signup.status in HOLDING_SEATS
    if not _move(signup.id, signup.status, now, status=SIGNUP_WITHDRAWN):
        raise Refused(rules.NOT_SIGNED_UP)
    signups_changed(activity, [user_id], now)
    if held_seats:
        _free_seats(activity.id, signup.seats)
        promote_waiting(activity, now)
    db.session.flush()
    db.session.refresh(activity)
    db.session.refresh(signup)
    return signup


def give_up_future_places(user_id: int, now: datetime) -> list[int]:
    """Withdraw every place a person holds or waits for in activities not yet started, whatever the deadlines,
    so the waiting lists move (an account closed or stopped). Past sign-ups, attendance and hours stay: they
    are the community's figures. Returns the activities whose places were given up."""
    activity_ids = list(db.session.scalars(
        select(Signup.activity_id).join(Activity, Activity.id == Signup.activity_id)
        .where(Signup.user_id == user_id, Signup.status.in_(HOLDING_A_PLACE),
               Activity.starts_at > now, Activity.status != STATUS_CANCELLED)
        .order_by(Signup.activity_id)))
    for activity_id in activity_ids:
        release_place(db.session.get(Activity, activity_id), user_id, now)
    return activity_ids


@dataclass
class ActivityInput:
    """Validated form data for creating or editing an activity (times in UTC)."""

    title: str
    description: str
    starts_at: datetime
    ends_at: datetime
    place: str
    capacity: int | None
    signup_deadline: datetime | None
    audience: str
    max_seats_per_signup: int = 1
    waitlist_enabled: bool = True
    requires_approval: bool = False
    withdraw_deadline: datetime | None = None
    room_id: int | None = None


FIELDS = (
    "title", "description", "starts_at", "ends_at", "place", "capacity", "signup_deadline", "audience",
    "max_seats_per_signup", "waitlist_enabled", "withdraw_deadline", "room_id", "requires_approval",
)


def check_activity_input(data: ActivityInput) -> None:
    """Refused unless the activity can be saved as typed: what the form checks, for every caller (the demo
    seed, a series' occurrences), so no saved activity offers a sign-up larger than all its places."""
    refusal = rules.max_seats_refusal(data.max_seats_per_signup, data.capacity)
    if refusal is not None:
        raise Refused(refusal, "max_seats_per_signup")


def create_activity(actor: Actor, team_id: int, data: ActivityInput, now: datetime) -> Activity:
    """A new scheduled activity of a team the actor manages (checked by the caller)."""
    check_activity_input(data)
    activity = Activity(team_id=team_id, created_by_id=actor.user_id, created_at=now, updated_at=now)
    for name in FIELDS:
        setattr(activity, name, getattr(data, name))
    db.session.add(activity)
    db.session.flush()
    feeds_changed(now, teams=[team_id])
    return activity


def capacity_problem(activity: Activity, capacity: int | None) -> str | None:
    """A new capacity may not drop below the seats already taken."""
    if capacity is not None and capacity < activity.seats_taken:
        return f"已有 {activity.seats_taken} 人报名，名额不能少于 {activity.seats_taken}"
    return None


def update_activity(actor: Actor, activity: Activity, data: ActivityInput, now: datetime) -> Activity:
    """Apply an edit; SEQUENCE goes up when time or place change."""
    check_activity_input(data)
    before = {k: getattr(activity, k) for k in ("starts_at", "ends_at", "place", "status")}
    for name in FIELDS:
        setattr(activity, name, getattr(data, name))
    after = {k: getattr(activity, k) for k in before}
    if rules.schedule_changed(before, after):
        activity.sequence += 1
    activity.updated_at = now
    db.session.flush()
    activity_changed(activity, now)
    if rules.schedule_changed(before, after) and not activity.is_cancelled:
        notify.activity_changed(actor.user_id, activity, before, now)
    lock_activity(activity.id)
    promote_waiting(activity, now)  # more places may fit people waiting
    if rules.schedule_changed(before, after):
        tell_work_group(activity, "活动时间或地点有变更", now)
    return activity


def cancel_activity(actor: Actor, activity: Activity, now: datetime) -> Activity:
    """Cancel but keep the record and the sign-ups; everyone signed up sees 已取消."""
    if activity.status != STATUS_CANCELLED:
        activity.status = STATUS_CANCELLED
        activity.cancelled_at = now
        activity.sequence += 1
        activity.updated_at = now
        db.session.flush()
        activity_changed(activity, now)
        record(actor, audit.ACTIVITY_CANCELLED, activity, _activity_summary(activity), now,
               community_id=activity.team.community_id)
        tell_work_group(activity, "活动已取消", now)
        notify.activity_cancelled(actor.user_id, activity, now)
    return activity


def tell_work_group(activity: Activity, headline: str, now: datetime) -> None:
    """Queue the post to the team's work group (if it has one) with the change; delivered later by the outbox."""
    queue_for_team(activity.team, activity_text(activity, headline), now)


def _activity_summary(activity: Activity) -> str:
    return f"「{activity.title}」{format_local(activity.starts_at)}"


def restore_activity(actor: Actor, activity: Activity, now: datetime) -> Activity:
    """恢复活动: undo a cancellation before the activity starts.

    A cancellation keeps every sign-up with its seats, and nothing can sign up, withdraw or
    be promoted while cancelled (a leader's decline only frees seats), so the sign-ups come back
    exactly as they were and still fit the capacity (the CHECK constraint guarantees it). Places
    freed meanwhile go to the waiting list. The room must still be free: someone may have booked
    it after the cancellation. SEQUENCE and updated_at move so calendar feeds show it again.
    """
    refusal = rules.restore_refusal(context_of(activity), now=now)
    if refusal is not None:
        raise Refused(refusal)
    lock_activity(activity.id)
    if activity.room is not None:
        lock_room(activity.room.id)
        clash = first_clash(activity.room.id, [(activity.starts_at, activity.ends_at)], [activity.id])
        if clash is not None:
            raise Refused(clash_message(activity.room, clash))
    activity.status = STATUS_SCHEDULED
    activity.cancelled_at = None
    activity.sequence += 1
    activity.updated_at = now
    db.session.flush()
    activity_changed(activity, now)
    notify.activity_restored(actor.user_id, activity, now)
    promote_waiting(activity, now)
    record(actor, audit.ACTIVITY_RESTORED, activity, _activity_summary(activity), now,
           community_id=activity.team.community_id)
    tell_work_group(activity, "活动已恢复，照常进行", now)
    return activity
