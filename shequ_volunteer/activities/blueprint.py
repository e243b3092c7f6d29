"""The activities blueprint and the view helpers more than one view module answers with.

Every activities view module adds its routes to `bp` from here; activities/routes.py imports them
all for the app factory, so no view module imports another.
"""
from __future__ import annotations

from flask import Blueprint, current_app, url_for

from ..extensions import db
from ..hours import rules as hours_rules
from ..messages import calls
from ..notices.queries import activity_notices
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.htmx import after_post, answer_refusal, render_page
from ..web.qr import qr_svg
from . import checkin, queries, rules, services
from .models import ATTENDANCE_LABELS, SIGNUP_CONFIRMED, SIGNUP_PENDING, SIGNUP_WAITING, Activity

bp = Blueprint("activities", __name__)


def check_in_secret() -> str:
    """The key the check-in codes are made with."""
    return current_app.config["SECRET_KEY"]


def roster_context(activity: Activity, row: int | None = None, field: str = "attendance", typed: str | None = None,
                   **extra) -> dict:
    """The attendance page: the code and QR to show, the roster with the hours each row counts.

    A message about one sign-up (`row`) shows in that person's row, by the 出席… buttons or, with
    `field="hours"`, by the hours box with the hours as `typed`: the leader tapped far down a long
    list, where a message at its top would go unseen. With the row gone (withdrawn meanwhile) it
    shows at the top."""
    code = checkin.code_for(check_in_secret(), activity.id)
    link = url_for("activities.check_in", activity_id=activity.id, code=code, _external=True)
    people = queries.participants(activity.id)
    return {"activity": activity, "code": code, "qr_svg": qr_svg(link), "labels": ATTENDANCE_LABELS,
            "people": people, "minutes_of": _minutes_of(activity), "row_anchor": row_anchor,
            "message_row": row if any(signup.id == row for signup, _person in people) else None,
            "message_field": field, "typed_hours": typed, **extra}


def _minutes_of(activity: Activity):
    """The hours each row counts, for the leader to check and correct."""
    def minutes(signup) -> str:
        value = hours_rules.attended_minutes(activity.starts_at, activity.ends_at, signup.attendance,
                                             signup.service_minutes)
        return f"{value / 60:g}"
    return minutes


def roster_response(activity: Activity, status: int = 200, message: str | None = None, message_error: bool = False,
                    after: bool = False, row: int | None = None, field: str = "attendance", typed: str | None = None):
    """The attendance roster after a change (here or in hours) to sign-up `row` (the message's place: see
    roster_context): the block for htmx, or the page / a 303 back to that row without it."""
    context = roster_context(activity, row, field, typed, message_error=message_error)
    if after:
        back = url_for("activities.attendance_page", activity_id=activity.id, _anchor=row_anchor(row))
        return after_post(back, "activities/attendance.html", "roster", message, **context)
    return render_page("activities/attendance.html", "roster", status=status, message=message, **context)


def row_anchor(signup_id: int | None) -> str | None:
    """The id of a sign-up's row on the attendance page: a plain form's answer and the 303 after it scroll there."""
    return f"signup-{signup_id}" if signup_id else None


def detail_context(activity: Activity) -> dict:
    """Everything the detail page and its sign-up panel show."""
    actor, now = current_actor(), utcnow()
    can_manage = actor.can_manage_team(activity.team)
    signup = queries.signup_of(actor.user_id, activity.id)
    roster = queries.roster_by_status(activity.id) if can_manage else {}
    context = services.context_of(activity)
    return {
        "activity": activity,
        "signup": signup,
        "now": now,
        # The same rules the services apply: the panel offers only what they would accept.
        "decision": services.signup_decision(actor, activity, signup, now),
        "withdrawal_refusal": rules.withdrawal_refusal(context, now=now),
        "may_say_cant_come": rules.may_say_cant_come(context, now=now),
        "may_restore": can_manage and rules.restore_refusal(context, now=now) is None,
        # 我到了，签到 only while check-in is open: an elder who taps it days early only learns it is too soon.
        # None: open; checkin.NOT_OPEN (said on the page) or CLOSED: not offered.
        "check_in_refusal": checkin.window_refusal(activity.starts_at, activity.ends_at, now),
        "position": queries.waiting_position(signup) if signup else None,
        "can_manage": can_manage,
        "participants": roster.get(SIGNUP_CONFIRMED, []),
        "waiting": roster.get(SIGNUP_WAITING, []),
        "pending": roster.get(SIGNUP_PENDING, []),
        # Only a cancellation or a new time or place (each raises the sequence) puts anyone on the call list.
        "calls": calls.open_calls(calls.Subject.activity(activity.id)) if can_manage and activity.sequence else [],
        # Notices to this activity's people: for them and its managers only (never who else received them).
        "notices": activity_notices(activity.id, now) if can_manage or (signup and signup.holds_a_place) else [],
    }


def detail_block(activity_id: int, block: str, **shown):
    """The detail page (or one block of it) read afresh, e.g. after a refused action was rolled back."""
    activity = db.get_or_404(Activity, activity_id)
    return render_page("activities/detail.html", block, **shown, **detail_context(activity))


def organiser_action(activity_id: int, act, block: str, success: str):
    """An organiser's change `act(actor, activity, now)`; a refusal shows in the organiser panel (409)."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    try:
        act(current_actor(), activity, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: detail_block(activity_id, "organiser_panel", **shown))
    db.session.commit()
    return after_post(url_for("activities.detail", activity_id=activity_id), "activities/detail.html", block, success,
                      **detail_context(activity))
