"""Test worlds for the scheduled jobs (`flask run-jobs`), built around a given instant `now` (naive UTC), never
the real clock: activities tomorrow with every kind of sign-up, and helpers with households due, overdue and fine."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from sqlalchemy import func, select

from shequ_volunteer.activities.models import Activity
from shequ_volunteer.extensions import db
from shequ_volunteer.messages.models import Message
from shequ_volunteer.pairing.models import PairingHelper
from shequ_volunteer.timeutil import at_local, from_local, local_today
from tests import factories as f


def beijing(text: str) -> datetime:
    """'2026-12-31 10:00' Beijing wall time → naive UTC."""
    return from_local(datetime.fromisoformat(text))


def activity_at(team, starts_at: datetime, *, hours: int = 2, **fields) -> Activity:
    """An activity starting exactly at `starts_at` (naive UTC)."""
    return f.activity(team, now=starts_at, starts_in=timedelta(0), hours=hours, **fields)


@dataclass
class ActivityWorld:
    """Tomorrow's 清洁 (20 places, 6 taken: under half) and who holds what in it; the other activities must stay
    silent (cancelled, today, the day after tomorrow)."""

    activity: Activity
    confirmed: object
    pending: object
    with_companion: object
    leaders: list
    silent: list  # people who must hear nothing: waiting, withdrawn, declined, 我去不了, stopped, plain member


def activity_world(now: datetime) -> ActivityWorld:
    home = f.community()
    team = f.team(home)
    leader, co_leader, member = f.user(home, "李队长"), f.user(home, "赵副队长"), f.user(home, "队员小周")
    f.member(team, leader, leader=True)
    f.member(team, co_leader, leader=True)
    f.member(team, member)
    tomorrow = local_today(now) + timedelta(days=1)
    cleanup = activity_at(team, at_local(tomorrow, time(9)), capacity=20, title="周末清洁家园",
                          description="请带手套和水杯，穿方便活动的衣服。")
    people = {name: f.user(home, name) for name in ("确认", "待审", "两人", "候补", "退出", "未过", "去不了", "停用")}
    f.signup(cleanup, people["确认"])
    f.signup(cleanup, people["待审"], status="pending")
    f.signup(cleanup, people["两人"], seats=2)
    f.signup(cleanup, people["候补"], status="waiting")
    f.signup(cleanup, people["退出"], status="withdrawn")
    f.signup(cleanup, people["未过"], status="declined")
    f.signup(cleanup, people["去不了"]).cant_come_at = now
    f.signup(cleanup, people["停用"]).user.deactivated_at = now
    db.session.commit()
    # Others that must not remind anyone: cancelled tomorrow, later today, the day after tomorrow.
    cancelled = activity_at(team, at_local(tomorrow, time(14)), status="cancelled", title="已取消的讲座")
    today_later = activity_at(team, at_local(local_today(now), time(23, 30)), title="今晚巡逻")
    after = activity_at(team, at_local(tomorrow + timedelta(days=1)), title="后天的活动")
    bystander = f.user(home, "旁人")
    for other in (cancelled, today_later, after):
        f.signup(other, bystander)
    return ActivityWorld(cleanup, people["确认"], people["待审"], people["两人"], [leader, co_leader],
                         [people[name] for name in ("候补", "退出", "未过", "去不了", "停用")] + [member, bystander])


@dataclass
class PairingWorld:
    helper: object  # one overdue (3号楼), one due today (5号楼), one fine (7号楼)
    relaxed_helper: object  # only a household visited yesterday: no digest
    former_helper: object  # helped the overdue households until a month ago: no digest
    team_member: object  # of the team paired with a due household, not a helper of it: no digest
    staff: object


def pairing_world(now: datetime, households: int = 1) -> PairingWorld:
    """`households` overdue households (3号楼) for the helper besides one due today and one fine: the digest's
    statements must not grow with them."""
    home = f.community()
    staff = f.staff(home)
    helper, relaxed, former, team_member = (f.user(home, name) for name in ("王志愿", "陈志愿", "前任", "队员"))
    team = f.team(home)
    f.member(team, team_member)
    since = local_today(now) - timedelta(days=200)
    for number in range(households):
        overdue = f.household(home, head_name=f"孙秀兰{number}", building="3", room="201", tier="high")
        pairing = f.pairing(overdue, staff, helpers=[helper], since=since)
        f.visit(pairing, helper, now - timedelta(days=10))
        # Someone who helped here until a month ago: the pairing goes on without them.
        db.session.add(PairingHelper(pairing_id=pairing.id, user_id=former.id, starts_on=since,
                                     ends_on=local_today(now) - timedelta(days=30)))
        db.session.commit()
    f.paired_household(home, staff, helpers=[helper], since=since, last_visit=now - timedelta(days=30),
                       head_name="周桂芝", building="5", room="102", tier="key", categories="disabled")
    f.paired_household(home, staff, helpers=[helper], since=since, last_visit=now - timedelta(days=10),
                       head_name="吴建国", building="7", tier="general")
    f.paired_household(home, staff, helpers=[relaxed], since=since, last_visit=now - timedelta(days=1),
                       head_name="郑大爷", building="9", tier="general")
    # The team's, visited yesterday: not due, so its member (not a leader) hears nothing, nor do staff. Who hears of a
    # team's due household: test_jobs' tests of leaders and of staff.
    f.paired_household(home, staff, team_obj=team, since=since, last_visit=now - timedelta(days=1), head_name="冯奶奶",
                       building="11", tier="general")
    return PairingWorld(helper, relaxed, former, team_member, staff)


def messages_of(kind: str | None = None) -> list[Message]:
    db.session.rollback()  # see what the jobs committed
    query = select(Message).order_by(Message.user_id, Message.id)
    return list(db.session.scalars(query.where(Message.kind == kind) if kind else query))


def sent_pairs() -> list[tuple[int, str, str, int]]:
    """(user, kind, link, how many) for every message: a job instance (kind and what it links to, on one day)
    reaches a person once."""
    db.session.rollback()
    return [tuple(row) for row in db.session.execute(
        select(Message.user_id, Message.kind, Message.link, func.count())
        .group_by(Message.user_id, Message.kind, Message.link).order_by(Message.user_id, Message.kind, Message.link))]
