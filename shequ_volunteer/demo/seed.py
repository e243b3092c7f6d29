"""A realistic community for demos, and a large one for benchmarks.

Rows are written with bulk inserts (one statement per table and batch) so the
benchmark's 100,000 sign-ups and 50,000 visits take seconds, not minutes.
"""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import click
from flask.cli import with_appcontext
from sqlalchemy import func, insert, select, update

from ..accounts.models import ROLE_ADMIN, ROLE_RESIDENT, ROLE_STAFF, ROLE_VIEWER, User
from ..accounts.passwords import hash_password
from ..activities.models import STATUS_CANCELLED, STATUS_SCHEDULED, Activity, Signup
from ..communities.models import Community, Street
from ..extensions import db
from ..pairing import schedules
from ..pairing.models import (
    CATEGORIES,
    FOLLOW_UP_CLOSED,
    FOLLOW_UP_DOING,
    FOLLOW_UP_OPEN,
    FollowUp,
    Household,
    HouseholdEvent,
    Pairing,
    PairingHelper,
    Visit,
    VisitAid,
)
from ..pairing.rules import TIER_INTERVAL_DAYS, week_end
from ..teams.models import MEMBER_APPROVED, MEMBER_PENDING, ROLE_LEADER, ROLE_MEMBER, Membership, Team
from ..timeutil import from_local, local_date, local_today, utcnow

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

# Pairing (结对帮扶) data.
ESTATES = ["幸福里小区", "东湖花园", "建设新村", "和平里", "桂花苑", "铁路宿舍", "水厂家属院", "锦绣家园"]
OUTSIDE_NOTES = ["孝感市云梦县城关镇（随女儿暂住）", "黄冈市红安县老家", "武昌区中南路（住院陪护期间）",
                 "汉阳区钟家村（儿子家）", "咸宁市嘉鱼县（回老家过冬）"]
HOUSEHOLD_MEMBERS = {
    "empty_nest": ["独居", "老两口"], "solitary": ["独居"], "left_behind_child": ["祖孙二人", "爷爷奶奶和孙女"],
    "disabled": ["本人和老伴", "母子二人"], "dibao": ["一家三口", "母女二人"], "hardship": ["一家四口", "父子二人"],
}
HELPER_BRIEFS = [
    "老人耳背，敲门请用力，下午三点后在家。", "腿脚不便，上门前先打电话。", "孩子放学后五点在家，周末在奶奶家。",
    "家里养狗，进门前请家人先拴好。", "喜欢聊天，每次多陪一会儿。", "普通话不太好，说话慢一点。",
    "不识字，药盒上要写大字。", "坐轮椅，楼道杂物要提醒清理。",
]
STAFF_NOTES = [
    "儿子在深圳工作，每年春节回来。", "女儿每月回来一次，联系人是女儿。", "去年做过心脏支架，需定期复查。",
    "低保年审在每年三月。", "残疾证二级，有护理补贴。", "老伴去年去世，情绪需多关注。",
    "父母在外打工，孩子由奶奶照看。", "家庭收入不稳定，已申请临时救助。",
]
# Visit ways with their weights and duration ranges (minutes): phone calls are short, errands long.
VISIT_WAY_PLAN = [("home", 50, (20, 90)), ("phone", 30, (10, 30)), ("video", 8, (10, 40)), ("errand", 12, (30, 120))]
VISIT_WAY_WEIGHTS = [weight for _way, weight, _minutes in VISIT_WAY_PLAN]
VISIT_NOTES = [
    "身体还好，聊了聊家常。", "帮忙打扫了卫生。", "陪老人在小区散步。", "电话问候，一切正常。", "代买了药和菜。",
    "帮忙交了水电费。", "检查了燃气灶和电线。", "陪孩子写作业。", "视频通话，精神不错。", "一起包了饺子。",
]
CONCERN_NOTES = {
    "health": "血压偏高，提醒按时吃药、去卫生站复查。", "food": "冰箱里没什么菜，下次带些米面。",
    "utilities": "厨房插座松了，需要找人修。", "medicine": "降压药快吃完了。", "mood": "情绪低落，说晚上睡不好。",
}
FOLLOW_UP_REASONS = {
    "health": "需要卫生站上门随访", "food": "家里缺粮，请社区协调物资", "utilities": "插座/燃气有隐患，请物业维修",
    "medicine": "需要帮忙配药", "mood": "情绪很差，请社工上门谈谈",
}
RESOLUTIONS = [
    "已联系社区卫生服务站上门随访。", "已联系物业维修，已修好。", "已送去米面油。", "已联系子女，子女下周回来。",
    "已申请临时救助，已发放。", "已转介心理咨询志愿者。",
]
AID_ITEMS = [
    ("米面油", 5000), ("牛奶", 3000), ("慰问金", 20000), ("代购药品", 4580), ("学习用品", 2500), ("棉被", 8000),
]
EVENT_NOTES = {"hospital": ["突发脑梗住院", "摔倒骨折住院", "肺炎住院"], "bereavement": ["老伴去世", "儿子去世"]}


@dataclass
class SeedSizes:
    residents: int = 200
    activities: int = 100
    days_back: int = 60
    days_ahead: int = 90
    members_per_team: tuple[int, int] = (8, 25)
    signups_per_activity: tuple[int, int] = (3, 25)
    households: int = 40  # households in need, each with one active pairing
    visits: int = 400  # visits in all (about: split by tier and pairing length, at least one per household)
    grids: int = 4


VIEWER_PHONE = "13700000001"  # outside the residents' 138… numbers
ADMIN_PHONE = "13600000001"  # the 街道's 系统管理员


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

    today = local_today(now)
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
    # Last, so the rows above come out of `rng` exactly as before pairing data existed.
    team_members: dict[int, list[int]] = {}
    for row in membership_rows:
        if row["status"] == MEMBER_APPROVED:
            team_members.setdefault(row["team_id"], []).append(row["user_id"])
    _seed_pairings(rng, sizes, community.id, staff_id, leader_id, [t for t, _k in team_ids], team_members, now)
    # Most rows above went in as bulk statements, past the ORM: the report's kept figures are counted once here.
    from ..reports import kept
    kept.rebuild(db.session, [community.id])
    db.session.commit()
    return DemoLogins(users[0].phone, users[1].phone, users[2].phone)


def _seed_series(team_ids: list[tuple[int, str]], staff_id: int, today, now: datetime) -> None:
    """Two recurring activities as a leader would set them up: a weekly one and a lunar festival."""
    from ..accounts.actor import Actor
    from ..activities import recurrence, series
    from ..activities.services import ActivityInput

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


@dataclass
class _Plan:
    """One household's pairing history before its rows exist: dates and who helps when."""

    index: int
    interval: int  # days between visits the tier (or staff) asks for
    team_id: int | None
    starts_on: date
    last_on: date  # the most recent visit, chosen so the board gets overdue / due / fine households
    helpers: list[tuple[int, date, date | None]]  # (user id, starts_on, ends_on)
    visits: int = 1
    previous: tuple[date, date, int] | None = None  # an ended pairing before this one: start, end, helper


def _seed_pairings(rng: random.Random, sizes: SeedSizes, community_id: int, staff_id: int, leader_id: int,
                   team_ids: list[int], team_members: dict[int, list[int]], now: datetime) -> None:
    """Households in need with one active pairing each, helper handovers, visits, aid, follow-ups, events.

    The demo leader 李建国 helps the first three households (two on his own or with a partner, one for
    his 党员 team), so "我的结对" has content; nobody else is chosen twice on purpose.
    """
    if sizes.households <= 0:
        return
    today = local_today(now)
    days_left = (week_end(today) - today).days
    volunteers = sorted({u for members in team_members.values() for u in members if u != leader_id})
    teams = [t for t in team_ids if [u for u in team_members.get(t, ()) if u != leader_id]]
    if not volunteers or not teams:
        return

    household_rows, plans = [], []
    for i in range(sizes.households):
        grid = rng.randrange(sizes.grids)
        keys = rng.sample(sorted(CATEGORIES), rng.choice([1, 1, 2]))
        tier = rng.choices(["high", "key", "general"], weights=[15, 35, 50])[0]
        interval_days = 14 if rng.random() < 0.04 else None  # staff set their own interval for a few
        outside = rng.random() < 0.04
        created = now - timedelta(days=rng.randint(3 * 365 + 30, 5 * 365))
        household_rows.append({
            "community_id": community_id, "grid": f"第{grid + 1}网格",
            "estate": "" if outside else ESTATES[(2 * grid + rng.randrange(2)) % len(ESTATES)],
            "building": "" if outside else str(rng.randint(1, 30)),
            "room": "" if outside else f"{rng.randint(1, 7)}0{rng.randint(1, 4)}",
            "outside_area": outside, "address_note": rng.choice(OUTSIDE_NOTES) if outside else "",
            "head_name": _name(rng), "members": rng.choice(HOUSEHOLD_MEMBERS[keys[0]]),
            "categories": ",".join(sorted(keys)), "tier": tier, "visit_interval_days": interval_days,
            "contact_name": _name(rng), "contact_phone": f"139{rng.randrange(10 ** 8):08d}",
            "consent_recorded_at": created + timedelta(days=rng.randint(0, 20)),
            "notes": rng.choice(STAFF_NOTES), "helper_brief": rng.choice(HELPER_BRIEFS),
            "created_at": created, "updated_at": now - timedelta(days=rng.randint(1, 200)),
        })
        starts_on = today - timedelta(days=rng.randint(365, 3 * 365))
        interval = interval_days or TIER_INTERVAL_DAYS[tier]
        # The leader's three households: one of each state, so his list shows all three colours.
        state = ("overdue", "due", "fine")[i] if i < 3 else rng.choices(
            ["overdue", "due", "fine"], weights=[18, 22, 60])[0]
        if state == "overdue":
            age = interval + rng.randint(1, max(3, interval // 3))
        elif state == "due":  # due between today and Sunday
            age = interval - rng.randint(0, days_left)
        else:
            age = rng.randint(0, interval - days_left - 1)
        team_id = None
        if i == 2:
            team_id, helpers = team_ids[0], [leader_id]
        elif i < 2:
            helpers = [leader_id] + ([rng.choice(volunteers)] if i == 1 else [])
        elif rng.random() < 0.3:
            team_id = rng.choice(teams)
            helpers = [rng.choice([u for u in team_members[team_id] if u != leader_id])]
        else:
            helpers = rng.sample(volunteers, rng.choice([1, 1, 2]))
        plan = _Plan(i, interval, team_id, starts_on, today - timedelta(days=age),
                     [(u, starts_on, None) for u in helpers])
        if i >= 3 and rng.random() < 0.1:
            # Handover (交接): the first helper stopped some months ago, the current one took over.
            handover = starts_on + timedelta(days=rng.randint(30, (plan.last_on - starts_on).days - 1))
            pool = [u for u in (team_members[team_id] if team_id else volunteers)
                    if u != leader_id and u not in helpers]
            if pool:
                plan.helpers = [(rng.choice(pool), starts_on, handover - timedelta(days=1))] + [
                    (u, handover, None) for u in helpers]
        if i >= 3 and rng.random() < 0.12:
            # An earlier pairing that staff ended (the helper moved away) before this one started.
            previous_start = starts_on - timedelta(days=rng.randint(180, 720))
            plan.previous = (previous_start, starts_on - timedelta(days=1), rng.choice(volunteers))
        plans.append(plan)

    # Visits follow the tier's rhythm over the pairing's time, scaled to the total asked for.
    natural = [(p.last_on - p.starts_on).days / p.interval for p in plans]
    spare = max(sizes.visits - len(plans), 0) / (sum(natural) or 1)
    for plan, expected in zip(plans, natural, strict=True):
        share = expected * spare
        plan.visits = 1 + int(share) + (rng.random() < share - int(share))

    _batched_insert(Household, household_rows)
    household_ids = list(db.session.scalars(
        select(Household.id).where(Household.community_id == community_id).order_by(Household.id)))

    pairing_rows, pairing_keys = [], []  # pairing_keys: (plan index, is the active one)
    for plan in plans:
        first = household_rows[plan.index]["categories"].split(",")[0]
        if plan.previous is not None:
            start, end, _helper = plan.previous
            pairing_rows.append(_pairing_row(household_ids[plan.index], None, CATEGORIES[first], start, end,
                                             staff_id))
            pairing_keys.append((plan.index, False))
        pairing_rows.append(_pairing_row(household_ids[plan.index], plan.team_id, CATEGORIES[first],
                                         plan.starts_on, None, staff_id))
        pairing_keys.append((plan.index, True))
    _batched_insert(Pairing, pairing_rows)
    pairing_ids = list(db.session.scalars(
        select(Pairing.id).join(Household, Household.id == Pairing.household_id)
        .where(Household.community_id == community_id).order_by(Pairing.id)))
    active_pairing, previous_pairing = {}, {}
    for (index, active), pairing_id in zip(pairing_keys, pairing_ids, strict=True):
        (active_pairing if active else previous_pairing)[index] = pairing_id

    helper_rows, visit_rows = [], []
    for plan in plans:
        household_id = household_ids[plan.index]
        for user_id, starts_on, ends_on in plan.helpers:
            helper_rows.append({"pairing_id": active_pairing[plan.index], "user_id": user_id,
                                "starts_on": starts_on, "ends_on": ends_on})
        if plan.previous is not None:
            start, end, helper = plan.previous
            helper_rows.append({"pairing_id": previous_pairing[plan.index], "user_id": helper,
                                "starts_on": start, "ends_on": end})
            for _ in range(rng.randint(2, 5)):
                day = start + timedelta(days=rng.randint(0, (end - start).days))
                visit_rows.append(_visit_row(rng, household_id, previous_pairing[plan.index], helper, day, now))
        days = sorted(plan.starts_on + timedelta(days=rng.randint(0, (plan.last_on - plan.starts_on).days - 1))
                      for _ in range(plan.visits - 1)) + [plan.last_on]
        for day in days:
            on_duty = [u for u, start, end in plan.helpers if start <= day and (end is None or day <= end)]
            visit_rows.append(_visit_row(rng, household_id, active_pairing[plan.index], rng.choice(on_duty), day,
                                         now))
    _batched_insert(PairingHelper, helper_rows)
    _batched_insert(Visit, visit_rows)
    visit_ids = list(db.session.scalars(
        select(Visit.id).join(Household, Household.id == Visit.household_id)
        .where(Household.community_id == community_id).order_by(Visit.id)))

    aid_rows, follow_up_rows = [], []
    for visit_id, visit in zip(visit_ids, visit_rows, strict=True):
        if rng.random() < (0.3 if visit["way"] == "errand" else 0.04):
            for item, fen in rng.sample(AID_ITEMS, rng.choice([1, 1, 2])):
                aid_rows.append({"visit_id": visit_id, "item": item, "amount_fen": fen})
        if not visit["needs_follow_up"]:
            continue
        concern = visit["concerns"].split(",")[0] if visit["concerns"] else rng.choice(sorted(FOLLOW_UP_REASONS))
        row = {"community_id": community_id, "household_id": visit["household_id"], "visit_id": visit_id,
               "reason": FOLLOW_UP_REASONS[concern], "status": FOLLOW_UP_CLOSED, "owner_id": staff_id,
               "resolution": rng.choice(RESOLUTIONS), "opened_by_id": visit["visitor_id"],
               "opened_at": visit["created_at"], "closed_at": None, "closed_by_id": staff_id}
        # Staff close follow-ups within days; only recent ones are still open.
        closed_at = visit["created_at"] + timedelta(days=rng.randint(1, 10), hours=rng.randint(1, 8))
        if closed_at < now and (now - visit["created_at"] > timedelta(days=21) or rng.random() < 0.3):
            row["closed_at"] = closed_at
        else:
            doing = rng.random() < 0.3
            row.update(status=FOLLOW_UP_DOING if doing else FOLLOW_UP_OPEN, owner_id=staff_id if doing else None,
                       resolution="", closed_by_id=None)
        follow_up_rows.append(row)
    # The staff queue must not be empty in a small demo: the latest visits get the missing open ones.
    missing = 3 - sum(row["status"] != FOLLOW_UP_CLOSED for row in follow_up_rows)
    if missing > 0:
        followed = {row["visit_id"] for row in follow_up_rows}
        latest = sorted((visit["visited_at"], visit_id, visit)
                        for visit_id, visit in zip(visit_ids, visit_rows, strict=True)
                        if visit_id not in followed)[-missing:]
        for _at, visit_id, visit in latest:
            follow_up_rows.append({
                "community_id": community_id, "household_id": visit["household_id"], "visit_id": visit_id,
                "reason": rng.choice(list(FOLLOW_UP_REASONS.values())), "status": FOLLOW_UP_OPEN, "owner_id": None,
                "resolution": "", "opened_by_id": visit["visitor_id"], "opened_at": visit["created_at"],
                "closed_at": None, "closed_by_id": None})
        db.session.execute(update(Visit).where(Visit.id.in_([visit_id for _at, visit_id, _v in latest]))
                           .values(needs_follow_up=True))
    _batched_insert(VisitAid, aid_rows)
    _batched_insert(FollowUp, follow_up_rows)

    # Major changes: half of them in the last four days (the board's urgent visits), half long past.
    event_rows = []
    for number, index in enumerate(rng.sample(range(len(plans)), max(3, round(len(plans) * 0.06)))):
        kind = rng.choice(["hospital", "hospital", "bereavement"])
        if number % 2 == 0:
            happened_at = now - timedelta(hours=rng.randint(2, 96))
        else:
            happened_at = from_local(datetime.combine(plans[index].starts_on, time(10))) + timedelta(
                days=rng.randint(1, (plans[index].last_on - plans[index].starts_on).days - 1))
        event_rows.append({"household_id": household_ids[index], "kind": kind,
                           "note": rng.choice(EVENT_NOTES[kind]), "happened_at": happened_at,
                           "reported_by_id": staff_id})
    _batched_insert(HouseholdEvent, event_rows)
    schedules.refresh(household_ids)  # what the board keeps of the rows above


def _pairing_row(household_id: int, team_id: int | None, label: str, starts_on: date, ends_on: date | None,
                 staff_id: int) -> dict:
    return {"household_id": household_id, "team_id": team_id, "reason": f"{label}，定期探访",
            "starts_on": starts_on, "ends_on": ends_on, "created_by_id": staff_id,
            "created_at": from_local(datetime.combine(starts_on, time(9))) - timedelta(days=1)}


def _visit_row(rng: random.Random, household_id: int, pairing_id: int, visitor_id: int, day: date,
               now: datetime) -> dict:
    way, _weight, minutes = rng.choices(VISIT_WAY_PLAN, weights=VISIT_WAY_WEIGHTS)[0]
    visited_at = from_local(datetime.combine(day, time(rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 30]))))
    if visited_at > now:  # a visit "today" that the clock has not reached yet happened earlier this morning
        visited_at = min(now - timedelta(minutes=20), from_local(datetime.combine(day, time(8))))
    concerns = ""
    if rng.random() < 0.12:
        concerns = ",".join(sorted(rng.sample(sorted(CONCERN_NOTES), rng.choice([1, 1, 1, 2]))))
    needs_follow_up = rng.random() < (0.25 if concerns else 0.01)
    note = CONCERN_NOTES[concerns.split(",")[0]] if concerns else rng.choice(VISIT_NOTES)
    return {"household_id": household_id, "pairing_id": pairing_id, "visitor_id": visitor_id, "way": way,
            "visited_on": local_date(visited_at), "visited_at": visited_at,
            "duration_minutes": rng.randint(*minutes), "concerns": concerns, "note": note,
            "needs_follow_up": needs_follow_up,
            "created_at": min(visited_at + timedelta(minutes=rng.randint(5, 240)), now)}


@click.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when a community already exists.")
@click.option("--residents", default=200, show_default=True)
@click.option("--activities", default=100, show_default=True)
@click.option("--households", default=40, show_default=True, help="Households in need, each paired.")
@click.option("--visits", default=400, show_default=True, help="Visit records in all (about).")
@with_appcontext
def seed_demo_command(if_empty: bool, residents: int, activities: int, households: int, visits: int) -> None:
    """Create the demo community and print demo logins."""
    if db.session.scalar(select(func.count()).select_from(Community)):
        if if_empty:
            click.echo("演示数据已存在，跳过。")
            _print_logins()
            return
    logins = seed_community(SeedSizes(residents=residents, activities=activities, households=households,
                                      visits=visits))
    # A second, smaller community of the same 街道, and a 街道 viewer who sees both.
    seed_community(SeedSizes(residents=60, activities=30, households=10, visits=100), seed=2027,
                   community_name="光明社区")
    first = db.session.scalar(select(Community).order_by(Community.id))
    db.session.add(User(community_id=first.id, phone=VIEWER_PHONE, name="刘科长", role=ROLE_VIEWER,
                        password_hash=hash_password(DEMO_PASSWORD)))
    db.session.add(User(community_id=None, street_id=first.street_id, phone=ADMIN_PHONE, name="张明",
                        role=ROLE_ADMIN, password_hash=hash_password(DEMO_PASSWORD)))
    db.session.commit()
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
    click.echo(f"  街道查看      {VIEWER_PHONE}  密码 {logins.password}")
    click.echo(f"  系统管理员    {ADMIN_PHONE}  密码 {logins.password}")
