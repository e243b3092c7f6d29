"""Every kind of message: its name (stored in messages.kind), its label in 我的资料, whether the person
may switch it off, and who it can reach. Kinds about the person's own places changing always reach them."""
from __future__ import annotations

from dataclasses import dataclass

# What a person is that a kind may need before it can reach them (a kind that needs none reaches anyone).
STAFF = "staff"  # community staff
LEADER = "leader"  # leads a team
HELPER = "helper"  # helps a household (结对)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    may_switch_off: bool
    reaches: frozenset[str] = frozenset()  # empty: anyone


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
    Kind(CANT_COME, "（队长）有人说去不了", True, frozenset({LEADER})),
    Kind(SIGNUP_AWAITS_APPROVAL, "（队长）有报名等待审核", True, frozenset({LEADER})),
    Kind(LEADER_UNDER_HALF, "（队长）明天的活动报名不到一半", True, frozenset({LEADER})),
    # jobs/visit_digest.py: helpers, leaders of a paired team with no helper, staff when neither can be reached.
    Kind(VISITS_DUE_DIGEST, "（结对）每天一条：该探访和逾期的家庭", True, frozenset({HELPER, LEADER, STAFF})),
    Kind(FOLLOW_UP_RAISED, "（工作人员）本社区有新的跟进事项", True, frozenset({STAFF})),
    Kind(FOLLOW_UP_ASSIGNED, "（工作人员）有跟进事项交给我", True, frozenset({STAFF})),
    Kind(HOURS_CLAIM_AWAITS, "（工作人员）有补录等待审批", True, frozenset({STAFF})),
)}

SWITCHABLE = tuple(name for name, kind in KINDS.items() if kind.may_switch_off)


def switchable_for(is_staff: bool, leads_team: bool, helps: bool) -> tuple[str, ...]:
    """The kinds a person may switch off that can reach them as they are now: 我的资料 shows these only (a
    resident has no use for a leader's or staff's switch). The others keep whatever the person chose before."""
    person_is = {name for name, holds in ((STAFF, is_staff), (LEADER, leads_team), (HELPER, helps)) if holds}
    return tuple(name for name in SWITCHABLE if not KINDS[name].reaches or KINDS[name].reaches & person_is)


def label(name: str) -> str:
    kind = KINDS.get(name)
    return kind.label if kind else name


def may_switch_off(name: str) -> bool:
    """A kind not listed here (yet) is never held back."""
    kind = KINDS.get(name)
    return kind is not None and kind.may_switch_off
