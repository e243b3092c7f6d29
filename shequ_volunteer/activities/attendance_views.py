"""签到: the leader's code/QR and roster, the resident's check-in page."""
from __future__ import annotations

from flask import current_app, request, url_for
from flask_login import login_required

from ..extensions import db
from ..hours import rules as hours_rules
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.htmx import after_post, answer_refusal, render_page
from ..web.qr import qr_svg
from . import attendance, checkin, queries
from .models import ATTENDANCE_LABELS, Activity
from .views import bp


def _secret() -> str:
    return current_app.config["SECRET_KEY"]


def _roster_context(activity: Activity, **extra) -> dict:
    code = checkin.code_for(_secret(), activity.id)
    link = url_for("activities.check_in", activity_id=activity.id, code=code, _external=True)
    return {"activity": activity, "code": code, "qr_svg": qr_svg(link), "labels": ATTENDANCE_LABELS,
            "people": queries.participants(activity.id), "minutes_of": _minutes_of(activity), **extra}


def _minutes_of(activity: Activity):
    """The hours each row counts, for the leader to check and correct."""
    def minutes(signup) -> str:
        value = hours_rules.attended_minutes(activity.starts_at, activity.ends_at, signup.attendance,
                                             signup.service_minutes)
        return f"{value / 60:g}"
    return minutes


@bp.get("/activities/<int:activity_id>/attendance")
@login_required
def attendance_page(activity_id: int):
    """Leader only: the code and QR to show, and the roster to tick."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    return render_page("activities/attendance.html", "roster", **_roster_context(activity))


def roster_response(activity: Activity, status: int = 200, message: str | None = None, message_error: bool = False,
                    after: bool = False):
    """The attendance roster after a change: the block for htmx, or the page / a 303 without it."""
    context = _roster_context(activity, message_error=message_error)
    if after:
        return after_post(url_for("activities.attendance_page", activity_id=activity.id), "activities/attendance.html",
                          "roster", message, **context)
    return render_page("activities/attendance.html", "roster", status=status, message=message, **context)


@bp.post("/activities/<int:activity_id>/attendance/<int:signup_id>")
@login_required
def mark_attendance(activity_id: int, signup_id: int):
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    try:
        attendance.mark(current_actor(), activity, signup_id, request.form.get("attendance", ""), utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: roster_response(db.get_or_404(Activity, activity_id), **shown))
    db.session.commit()
    return roster_response(activity, message="已登记", after=True)


@bp.route("/activities/<int:activity_id>/check-in", methods=["GET", "POST"])
@login_required
def check_in(activity_id: int):
    """The resident's side: type the 6 digits, or arrive from the QR code with them filled in.

    Only the POST checks in: a GET (the scanned link) shows one big 确认签到 button.
    """
    activity = db.get_or_404(Activity, activity_id)
    if request.method == "GET":
        return render_page("activities/check_in.html", activity=activity, typed=request.args.get("code", "")[:20])
    typed = request.form.get("code", "")[:20]
    try:
        signup = attendance.check_in_with_code(current_actor(), activity, typed, _secret(), utcnow())
    except Refused as refusal:
        def count_wrong_code():
            attendance.record_wrong_code(activity, current_actor(), utcnow())

        # Only a wrong code counts towards the limit, and the count must outlive the rollback.
        return answer_refusal(
            refusal, lambda **shown: render_page("activities/check_in.html", activity=activity, typed=typed, **shown),
            field="code", keep=count_wrong_code if refusal.message == checkin.WRONG_CODE else None)
    db.session.commit()
    word = "签到成功" if signup.attendance == "present" else "已签到（迟到）"
    return render_page("activities/check_in.html", activity=activity, typed=typed, message=word, done=True)
