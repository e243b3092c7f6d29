"""A realistic community for demos, and a large one for benchmarks.

Rows are written with bulk inserts (one statement per table and batch) so the
benchmark's 100,000 sign-ups take seconds, not minutes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select

from ..accounts.models import ROLE_RESIDENT, ROLE_STAFF, User
from ..accounts.passwords import hash_password
from ..activities.models import STATUS_CANCELLED, STATUS_SCHEDULED, Activity, Signup
from ..communities.models import Community, Street
from ..extensions import db
from ..teams.models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, ROLE_MEMBER, Membership, Team
from ..timeutil import from_local, to_local, utcnow

DEMO_PASSWORD = "demo1234"
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁任沈姚卢"
GIVEN = ("秀英", "桂英", "玉兰", "建国", "建华", "国强", "志强", "秀兰", "明", "伟", "芳", "敏", "静", "丽",
         "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "超", "霞", "平", "刚", "桂兰", "淑珍", "凤英",
         "德胜", "长顺", "海燕", "红梅", "晓东", "子涵", "雨桐", "浩然", "欣怡", "宇轩")

TEAMS = [
    ("党员先锋志愿服务队", "party", "在职党员到社区报到，认领岗位，结对帮扶困难群众。"),
    ("夕阳红老年志愿服务队", "elderly", "低龄老人帮高龄老人，巡楼探访、文体活动。"),
    ("巾帼志愿服务队", "women", "关爱妇女儿童，家庭教育讲座，邻里互助。"),
    ("青年志愿服务队", "youth", "周末清洁家园、陪伴留守儿童、帮老人用手机。"),
    ("科普志愿服务队", "science", "防诈骗、健康养生、垃圾分类科普讲座。"),
    ("环保志愿服务队", "environment", "垃圾分类督导、楼道清理。"),
    ("便民服务队", "service", "义剪、修理小家电、磨刀配钥匙。"),
]
ACTIVITY_TITLES = {
    "party": ["主题党日·走访慰问困难党员", "党员先锋岗·楼道清理", "党史学习分享会"],
    "elderly": ["重阳节敬老联欢", "老年人智能手机课堂", "夕阳红合唱排练"],
    "women": ["家庭教育讲座", "巾帼手工编织课", "三八节健康讲座"],
    "youth": ["周末清洁家园", "陪伴留守儿童读书", "青年志愿者帮老人学用手机"],
    "science": ["防范电信诈骗讲座", "健康养生科普讲座", "垃圾分类知识问答"],
    "environment": ["垃圾分类督导", "小区绿化养护", "河道清理"],
    "service": ["便民义剪", "小家电义务维修", "磨刀配钥匙便民服务"],
}
PLACES = ["社区活动室", "多功能厅", "文化广场", "党群服务中心二楼", "3号楼前空地", "社区卫生服务站"]
AUDIENCE_BY_KIND = {"elderly": "elderly", "women": "women", "youth": "children", "party": "all"}


@dataclass
class SeedSizes:
    residents: int = 200
    activities: int = 100
    days_back: int = 60
    days_ahead: int = 90
    members_per_team: tuple[int, int] = (8, 25)
    signups_per_activity: tuple[int, int] = (3, 25)


@dataclass
class DemoLogins:
    staff_phone: str
    leader_phone: str
    resident_phone: str
    password: str = DEMO_PASSWORD


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN)


def _batched_insert(model, rows: list[dict], batch: int = 5000) -> None:
    # render_nulls: keep rows with None values in one executemany batch.
    statement = insert(model).execution_options(render_nulls=True)
    for start in range(0, len(rows), batch):
        db.session.execute(statement, rows[start:start + batch])


def seed_community(sizes: SeedSizes, now: datetime | None = None, seed: int = 2026,
                   community_name: str = "幸福里社区") -> DemoLogins:
    """Create one community with teams, residents, activities and sign-ups; commits."""
    rng = random.Random(seed)
    now = now or utcnow()
    street = db.session.scalar(select(Street).where(Street.name == "东湖街道"))
    if street is None:
        street = Street(name="东湖街道")
        db.session.add(street)
        db.session.flush()
    community = Community(street_id=street.id, name=community_name, hotline="027-8888-1234")
    db.session.add(community)
    db.session.flush()

    # One hash for every demo account: argon2 is slow on purpose, and these are demo passwords.
    password_hash = hash_password(DEMO_PASSWORD)
    phone_base = 13800000000 + db.session.scalar(select(func.count()).select_from(User)) * 10
    named = [("王芳", ROLE_STAFF), ("李建国", ROLE_RESIDENT), ("张秀英", ROLE_RESIDENT)]
    user_rows = []
    for i in range(sizes.residents + len(named)):
        name, role = named[i] if i < len(named) else (_name(rng), ROLE_RESIDENT)
        user_rows.append({
            "community_id": community.id, "phone": str(phone_base + i + 1), "name": name,
            "password_hash": password_hash, "role": role, "created_at": now - timedelta(days=rng.randint(1, 400)),
        })
    _batched_insert(User, user_rows)
    users = list(db.session.execute(
        select(User.id, User.phone).where(User.community_id == community.id).order_by(User.id)
    ))
    staff_id, leader_id, resident_id = users[0].id, users[1].id, users[2].id
    resident_ids = [u.id for u in users[3:]]

    team_ids = []
    for name, kind, description in TEAMS:
        team = Team(community_id=community.id, name=name, kind=kind, description=description,
                    created_at=now - timedelta(days=500))
        db.session.add(team)
        db.session.flush()
        team_ids.append((team.id, kind))

    membership_rows = []
    for index, (team_id, _kind) in enumerate(team_ids):
        members = rng.sample(resident_ids, min(len(resident_ids), rng.randint(*sizes.members_per_team)))
        leader = leader_id if index == 0 else members[0]
        membership_rows.append({"team_id": team_id, "user_id": leader, "role": ROLE_LEADER,
                                "status": MEMBER_APPROVED, "created_at": now - timedelta(days=300),
                                "decided_by_id": staff_id})
        for position, user_id in enumerate(members):
            if user_id == leader:
                continue
            pending = index == 0 and position >= len(members) - 2
            membership_rows.append({
                "team_id": team_id, "user_id": user_id, "role": ROLE_MEMBER,
                "status": MEMBER_PENDING if pending else MEMBER_APPROVED,
                "created_at": now - timedelta(days=rng.randint(1, 300)),
                "decided_by_id": None if pending else leader,
            })
    _batched_insert(Membership, membership_rows)

    today = to_local(now).date()
    activity_rows = []
    for i in range(sizes.activities):
        team_id, kind = team_ids[i % len(team_ids)]
        day = today + timedelta(days=rng.randint(-sizes.days_back, sizes.days_ahead))
        start_local = datetime.combine(day, time(rng.choice([9, 10, 14, 15, 19]), rng.choice([0, 30])))
        starts_at = from_local(start_local)
        capacity = rng.choice([None, 10, 15, 20, 30, 40, 50])
        cancelled = i % 37 == 5
        activity_rows.append({
            "team_id": team_id, "title": rng.choice(ACTIVITY_TITLES[kind]),
            "description": "欢迎居民朋友参加。请提前10分钟到场签到，带好身份证。",
            "starts_at": starts_at, "ends_at": starts_at + timedelta(hours=rng.choice([1, 2, 3])),
            "place": rng.choice(PLACES), "capacity": capacity, "seats_taken": 0,
            "signup_deadline": starts_at - timedelta(hours=12) if rng.random() < 0.5 else None,
            "audience": AUDIENCE_BY_KIND.get(kind, "all"),
            # "我和老伴": the elderly team's activities take households of two.
            "max_seats_per_signup": 2 if kind == "elderly" else 1,
            "status": STATUS_CANCELLED if cancelled else STATUS_SCHEDULED,
            "cancelled_at": now - timedelta(days=1) if cancelled else None,
            "sequence": 1 if cancelled else 0, "created_by_id": staff_id,
            "created_at": now - timedelta(days=sizes.days_back + 5), "updated_at": now - timedelta(days=2),
        })
    _batched_insert(Activity, activity_rows)
    activities = list(db.session.execute(
        select(Activity.id, Activity.capacity, Activity.starts_at)
        .join(Team).where(Team.community_id == community.id).order_by(Activity.id)
    ))

    signup_rows, taken = [], {}
    full_targets = {a.id for a in activities[:: max(len(activities) // 4, 1)] if a.capacity}
    for activity in activities:
        wanted = rng.randint(*sizes.signups_per_activity)
        if activity.id in full_targets:
            wanted = activity.capacity
        if activity.capacity is not None:
            wanted = min(wanted, activity.capacity)
        people = rng.sample(resident_ids, min(wanted, len(resident_ids)))
        if activity.starts_at > now and activity.id % 3 == 0:
            people = [resident_id, *[p for p in people if p != resident_id]][: max(wanted, 1)]
        for user_id in people:
            signup_rows.append({"activity_id": activity.id, "user_id": user_id, "seats": 1,
                                "status": "confirmed", "created_at": now - timedelta(days=3),
                                "updated_at": now - timedelta(days=3)})
        taken[activity.id] = len(people)
    _batched_insert(Signup, signup_rows)
    for activity_id, seats in taken.items():
        db.session.execute(
            Activity.__table__.update().where(Activity.id == activity_id).values(seats_taken=seats)
        )
    _seed_series(team_ids, staff_id, today, now)
    db.session.commit()
    return DemoLogins(users[0].phone, users[1].phone, users[2].phone)


def _seed_series(team_ids: list[tuple[int, str]], staff_id: int, today, now: datetime) -> None:
    """Two recurring activities as a leader would set them up: a weekly one and a lunar festival."""
    from ..activities import recurrence, series
    from ..activities.services import ActivityInput
    from ..web.auth import Actor

    actor = Actor(user_id=staff_id, community_id=None, is_staff=True)
    elderly = next(team_id for team_id, kind in team_ids if kind == "elderly")
    start = from_local(datetime.combine(today + timedelta(days=1), time(7, 0)))
    morning = ActivityInput("太极拳晨练", "夕阳红带练，新手欢迎。", start, start + timedelta(hours=1), "文化广场",
                            None, None, "all")
    series.create_series(actor, elderly, morning, recurrence.Rule("weekly", weekdays=(1, 4), count=16), now)
    festival_start = from_local(datetime.combine(today, time(9, 30)))
    gathering = ActivityInput("重阳节敬老茶话会", "为社区老人送上重阳糕。", festival_start,
                              festival_start + timedelta(hours=2), "多功能厅", 60, None, "elderly",
                              max_seats_per_signup=2)
    series.create_series(actor, elderly, gathering, recurrence.Rule("lunar", festival="double_ninth", count=3), now)


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when a community already exists.")
@click.option("--residents", default=200, show_default=True)
@click.option("--activities", default=100, show_default=True)
@with_appcontext
def seed_demo_command(if_empty: bool, residents: int, activities: int) -> None:
    """Create the demo community and print demo logins."""
    if db.session.scalar(select(func.count()).select_from(Community)):
        if if_empty:
            click.echo("演示数据已存在，跳过。")
            _print_logins()
            return
    logins = seed_community(SeedSizes(residents=residents, activities=activities))
    click.echo("演示社区已创建。")
    _print_logins(logins)


def _print_logins(logins: DemoLogins | None = None) -> None:
    if logins is None:
        first = db.session.scalar(select(Community).order_by(Community.id))
        phones = list(db.session.scalars(
            select(User.phone).where(User.community_id == first.id).order_by(User.id).limit(3)
        ))
        logins = DemoLogins(*phones)
    click.echo(f"  社区工作人员  {logins.staff_phone}  密码 {logins.password}")
    click.echo(f"  队长          {logins.leader_phone}  密码 {logins.password}")
    click.echo(f"  居民          {logins.resident_phone}  密码 {logins.password}")
