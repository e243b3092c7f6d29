"""Every kind of message: its name (stored in messages.kind), its label in 我的资料, and whether the person
may switch it off. Kinds about the person's own places changing always reach them."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    may_switch_off: bool


# Own places: never switched off.
ACTIVITY_CANCELLED = "activity_cancelled"
ACTIVITY_RESTORED = "activity_restored"
ACTIVITY_CHANGED = "activity_changed"
PROMOTED = "waitlist_promoted"
SIGNUP_REVIEWED = "signup_reviewed"
# The rest may be switched off.
TEAM_APPLICATION_DECIDED = "team_application_decided"
TEAM_REMOVED = "team_removed"
CANT_COME = "cant_come"
SIGNUP_AWAITS_APPROVAL = "signup_awaits_approval"
FOLLOW_UP_RAISED = "follow_up_raised"
FOLLOW_UP_ASSIGNED = "follow_up_assigned"
HOURS_CLAIM_AWAITS = "hours_claim_awaits"
# Sent by notices/ (公告 to a community, a team or an activity's people).
NOTICE = "notice"
# Sent by `flask run-jobs` (jobs/), named here so the switches list them.
REMINDER_TOMORROW = "reminder_tomorrow"
LEADER_UNDER_HALF = "leader_under_half"
VISITS_DUE_DIGEST = "visits_due_digest"

KINDS = {kind.name: kind for kind in (
    Kind(ACTIVITY_CANCELLED, "我报名的活动取消了", False),
    Kind(ACTIVITY_RESTORED, "我报名的活动恢复了", False),
    Kind(ACTIVITY_CHANGED, "我报名的活动改了时间或地点", False),
    Kind(PROMOTED, "我从候补转为正式报名", False),
    Kind(SIGNUP_REVIEWED, "我的报名审核通过或未通过", False),
    Kind(REMINDER_TOMORROW, "活动前一天提醒", True),
    Kind(NOTICE, "社区和队伍的公告", True),
    Kind(TEAM_APPLICATION_DECIDED, "入队申请的结果", True),
    Kind(TEAM_REMOVED, "被移出队伍", True),
    Kind(CANT_COME, "（队长）有人说去不了", True),
    Kind(SIGNUP_AWAITS_APPROVAL, "（队长）有报名等待审核", True),
    Kind(LEADER_UNDER_HALF, "（队长）明天的活动报名不到一半", True),
    Kind(VISITS_DUE_DIGEST, "（结对）每天一条：该探访和逾期的家庭", True),
    Kind(FOLLOW_UP_RAISED, "（工作人员）本社区有新的跟进事项", True),
    Kind(FOLLOW_UP_ASSIGNED, "（工作人员）有跟进事项交给我", True),
    Kind(HOURS_CLAIM_AWAITS, "（工作人员）有补录等待审批", True),
)}

SWITCHABLE = tuple(name for name, kind in KINDS.items() if kind.may_switch_off)


def label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name


def may_switch_off(name: str) -> bool:
    """A kind not listed here (yet) is never held back."""
    kind = KINDS.get(name)
    return kind is not None and kind.may_switch_off
