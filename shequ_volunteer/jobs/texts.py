"""The words of the scheduled messages, built from plain values (no database, no Flask): short enough for a phone
notification, and about a household only its 楼栋 and due date — never a name, a category or a tier (DOMAIN.md,
Privacy; the same rule as the calendar feeds)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from ..timeutil import format_day, format_local, is_all_day, local_date, to_local

BODY_ROOM = 300  # messages.services.BODY_MAX: what a message body may hold
ELLIPSIS = "…"
LISTED_AT_MOST = 8  # households named per kind in a digest: enough to plan a round, short enough to read
HELPER_CLOSING = "。括号里是应访日期，请在“我的结对”记录探访。"
LEADER_CLOSING = "。括号里是应访日期。有的家庭由本队结对、没有固定志愿者，请安排队员探访，在“结对帮扶”里记录。"
STAFF_CLOSING = "。括号里是应访日期。这些家庭没有能收到提醒的志愿者或队长，请安排探访或调整结对，在“结对帮扶”里处理。"
# Why the person hears of the households: as their helper, as the leader of the team they are paired with, or as
# staff when neither would hear (visit_digest.plan decides which).
CLOSINGS = {"helper": HELPER_CLOSING, "leader": LEADER_CLOSING, "staff": STAFF_CLOSING}


def shorten(text: str, room: int) -> str:
    """One line (runs of whitespace become one space), cut to `room` characters with … when it is longer."""
    flat = " ".join(text.split())
    return flat if len(flat) <= room else flat[:max(room - 1, 0)] + ELLIPSIS


def when(starts_at: datetime, ends_at: datetime) -> str:
    """'12月5日 周六 09:00–11:00', as the activity page writes it; whole days for an all-day activity (its last day
    is the one its last moment falls on), and the end's day when it ends on another (an evening patrol until 02:00)."""
    if is_all_day(starts_at, ends_at):
        first, last = local_date(starts_at), local_date(ends_at - timedelta(seconds=1))
        return format_day(first) if last == first else f"{format_day(first)} 至 {format_day(last)}"
    end = f"{to_local(ends_at):%H:%M}" if local_date(ends_at) == local_date(starts_at) else format_local(ends_at)
    return f"{format_local(starts_at)}–{end}"


@dataclass(frozen=True)
class ActivityFacts:
    """What the activity messages say about an activity."""

    title: str
    starts_at: datetime
    ends_at: datetime
    place: str
    description: str = ""
    seats_taken: int = 0
    capacity: int | None = None


def reminder(activity: ActivityFacts, *, pending: bool, seats: int) -> tuple[str, str]:
    """reminder_tomorrow: (title, body). There is no separate 'what to bring' field: the activity's description is
    where leaders write it, so it closes the message, cut to the room left."""
    clock = "" if is_all_day(activity.starts_at, activity.ends_at) else f" {to_local(activity.starts_at):%H:%M}"
    title = shorten(f"明天{clock}：{activity.title}", 80)
    lines = [f"时间：{when(activity.starts_at, activity.ends_at)}", f"地点：{activity.place}"]
    if seats > 1:
        lines.append(f"你报了{seats}人（含同行家人）")
    if pending:
        lines.append("你的报名还在等队长审核，通过后才算报上")
    body = "\n".join(lines)
    room = BODY_ROOM - len(body) - len("\n说明（带什么等）：")
    description = shorten(activity.description, room) if room > 8 else ""
    return title, body + (f"\n说明（带什么等）：{description}" if description else "")


def under_half(activity: ActivityFacts) -> tuple[str, str]:
    """leader_under_half: (title, body) for the leaders of an activity tomorrow with under half its places taken."""
    title = shorten(f"明天的活动报名不到一半：{activity.title}", 80)
    body = (f"{when(activity.starts_at, activity.ends_at)}，{activity.place}\n"
            f"已报 {activity.seats_taken} 人，共 {activity.capacity} 个名额。可以在队伍群里再通知一下，或电话邀请。")
    return title, body


@dataclass(frozen=True)
class DueVisit:
    """One household in a helper's digest: only where (楼栋) and by when, and whether it is already late."""

    place: str  # HouseholdLabels.place_label: '3号楼', '外地' or the 小区
    due_on: date
    overdue: bool


def visits_digest(visits: Sequence[DueVisit], *, asked_as: str = "helper") -> tuple[str, str]:
    """visits_due_digest: (title, body) — how many households are overdue or due this week, each as 楼栋 and due date,
    most urgent first (the caller's order); past LISTED_AT_MOST of a kind, '等' and the count say the rest. A leader
    hearing of households paired with their team (no helper of their own) is asked to arrange the visits; staff
    hearing of households no helper or leader would hear of, to arrange them or change the pairing (CLOSINGS)."""
    overdue = [visit for visit in visits if visit.overdue]
    due = [visit for visit in visits if not visit.overdue]
    title = f"探访提醒：{len(visits)}户需要探访" + (f"（{len(overdue)}户已逾期）" if overdue else "")
    parts = []
    for label, group in (("已逾期", overdue), ("本周应访", due)):
        if group:
            listed = "、".join(f"{visit.place}（{format_day(visit.due_on, with_weekday=False)}）"
                              for visit in group[:LISTED_AT_MOST])
            parts.append(f"{label}{len(group)}户：{listed}{'等' if len(group) > LISTED_AT_MOST else ''}")
    closing = CLOSINGS[asked_as]
    return title, shorten("；".join(parts), BODY_ROOM - len(closing)) + closing
