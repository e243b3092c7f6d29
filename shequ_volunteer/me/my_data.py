"""我的信息 (PIPL Art. 45): everything the site holds about one person, for the page and the download.

One structure serves both, so the file says exactly what the page shows. It is built in a fixed
number of queries, however long a person's history. Only the person's own data: for the pairings they
help in, the pairing's number, dates and team and the dates of their own visits, never the household's
name, address, categories or notes, nor anyone else's name or phone (a 代报名 says only that it was one, an
操作记录 row only what was done and when).
"""
from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import contains_eager

from ..accounts.actor import actor_for
from ..accounts.models import User
from ..activities.models import ATTENDANCE_LABELS, SIGNUP_STATUS_LABELS, Activity, Signup
from ..audit.models import AuditEntry
from ..calendar.models import KIND_PERSONAL, KIND_TEAM, FeedToken
from ..extensions import db
from ..hours.queries import my_hours
from ..hours.rules import format_minutes
from ..messages import kinds
from ..messages import services as messages
from ..messages.models import Message
from ..pairing.models import Pairing, PairingHelper, Visit
from ..reports.models import Certificate
from ..teams.models import Membership, Team
from ..timeutil import to_local


def _day(day) -> str:
    return f"{day:%Y-%m-%d}" if day else ""


def _moment(moment: datetime | None) -> str:
    """Beijing time with the year: the file is read long after, maybe by someone else."""
    return f"{to_local(moment):%Y-%m-%d %H:%M}" if moment else ""


def profile(user: User) -> dict[str, str]:
    return {
        "姓名": user.name,
        "手机号": user.phone,
        "所在社区": user.community.name if user.community else "（街道）",
        "身份": actor_for(user).role_label,
        "注册时间": _moment(user.created_at),
        "社区登记的住址": user.home_address,
        "社区登记的出生年份": str(user.birth_year or ""),
        "同意的《个人信息保护说明》版本": user.privacy_version or "（由社区代为登记，尚未本人确认）",
        "同意时间": _moment(user.privacy_agreed_at),
    }


def teams(user_id: int) -> list[dict[str, str]]:
    rows = db.session.scalars(
        select(Membership).join(Membership.team).options(contains_eager(Membership.team))
        .where(Membership.user_id == user_id).order_by(Membership.created_at, Membership.id))
    return [{"队伍": m.team.name, "身份": m.status_label, "申请时间": _moment(m.created_at),
             "审核时间": _moment(m.decided_at)} for m in rows]


def signups(user_id: int) -> list[dict[str, str]]:
    rows = db.session.scalars(
        select(Signup).join(Signup.activity).options(contains_eager(Signup.activity))
        .where(Signup.user_id == user_id).order_by(Activity.starts_at.desc(), Signup.id))
    return [{"活动": s.activity.title, "时间": _moment(s.activity.starts_at), "地点": s.activity.place,
             "状态": "活动已取消" if s.activity.is_cancelled else SIGNUP_STATUS_LABELS.get(s.status, s.status),
             "人数": str(s.seats), "签到": ATTENDANCE_LABELS.get(s.attendance or "", ""),
             "报名方式": "由社区或队长代报名" if s.entered_by_id and s.entered_by_id != user_id else "本人报名"}
            for s in rows]


def hours(user_id: int, now: datetime) -> tuple[list[dict[str, str]], list[dict[str, str]], str]:
    lines, claims = my_hours(user_id, now)
    counted = [{"日期": _day(line.served_on), "内容": line.title, "队伍": line.team,
                "时长": format_minutes(line.minutes), "来源": line.source} for line in lines]
    asked = [{"服务日期": _day(c.served_on), "队伍": c.team.name, "时长": format_minutes(c.minutes),
              "说明": c.note, "状态": c.status_label} for c in claims]
    return counted, asked, format_minutes(sum(line.minutes for line in lines))


def certificates(user_id: int) -> list[dict[str, str]]:
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)
                              .order_by(Certificate.issued_at, Certificate.id))
    return [{"编号": c.serial, "证明期间": c.period_label, "服务时长": format_minutes(c.total_minutes),
             "开具时间": _moment(c.issued_at)} for c in rows]


def pairings(user_id: int) -> list[dict[str, object]]:
    """The pairings this person helps or helped in, and their own visits' dates: nothing of the household."""
    rows = db.session.execute(
        select(PairingHelper.pairing_id, PairingHelper.starts_on, PairingHelper.ends_on, Pairing.starts_on,
               Team.name)
        .join(Pairing, Pairing.id == PairingHelper.pairing_id).outerjoin(Team, Team.id == Pairing.team_id)
        .where(PairingHelper.user_id == user_id).order_by(PairingHelper.starts_on, PairingHelper.id)).all()
    visited = defaultdict(list)
    for pairing_id, day in db.session.execute(
            select(Visit.pairing_id, Visit.visited_on).where(Visit.visitor_id == user_id,
                                                             Visit.pairing_id.in_({r[0] for r in rows}))
            .order_by(Visit.visited_on, Visit.id)):
        visited[pairing_id].append(_day(day))
    return [{"结对编号": str(pairing_id), "结对开始": _day(pairing_start), "队伍": team or "",
             "我参与的时间": f"{_day(start)} 至 {_day(end) if end else '今'}",
             "我的探访日期": visited[pairing_id]}
            for pairing_id, start, end, pairing_start, team in rows]


FEED_KINDS = {KIND_PERSONAL: "我的日程", KIND_TEAM: "队伍实时日历"}


def calendar_links(user_id: int) -> list[dict[str, str]]:
    """The secret calendar addresses made for the person (only their hash is kept, so not the address)."""
    rows = db.session.execute(
        select(FeedToken.kind, Team.name, FeedToken.created_at, FeedToken.revoked_at)
        .outerjoin(Team, Team.id == FeedToken.team_id).where(FeedToken.user_id == user_id)
        .order_by(FeedToken.created_at, FeedToken.id))
    return [{"日历": FEED_KINDS.get(kind, kind) + (f"（{team}）" if team else ""), "生成时间": _moment(created),
             "状态": f"已停用（{_moment(revoked)}）" if revoked else "有效"} for kind, team, created, revoked in rows]


def audit_about(user_id: int) -> list[dict[str, str]]:
    """The 操作记录 rows about the person's account (appointed, hours corrected, codes issued...): what and when."""
    rows = db.session.scalars(select(AuditEntry).where(AuditEntry.target_type == User.__tablename__,
                                                       AuditEntry.target_id == user_id)
                              .order_by(AuditEntry.at, AuditEntry.id))
    return [{"时间": _moment(entry.at), "操作": entry.kind_label} for entry in rows]


def message_summary(user_id: int) -> dict[str, str]:
    """我的消息: how many the inbox holds (each is read there) and the kinds switched off."""
    total = db.session.scalar(select(func.count()).select_from(Message).where(Message.user_id == user_id))
    off = "、".join(kinds.label(kind) for kind in sorted(messages.switched_off(user_id)))
    return {"消息条数": str(total), "未读": str(messages.unread_count(user_id)), "不接收的消息": off or "（全部接收）"}


def held_about(user: User, now: datetime) -> dict[str, object]:
    """Section title → a record (dict) or a list of records, in the order the page shows them."""
    counted, asked, total = hours(user.id, now)
    return {
        "个人资料": profile(user),
        "加入的队伍": teams(user.id),
        "活动报名": signups(user.id),
        "服务时长": counted,
        "服务时长合计": total,
        "补录申请": asked,
        "志愿服务记录证明": certificates(user.id),
        "结对帮扶（我作为志愿者）": pairings(user.id),
        "日历订阅地址": calendar_links(user.id),
        "我的消息": message_summary(user.id),
        "与我的账号有关的操作记录": audit_about(user.id),
        "导出时间": _moment(now),
    }
