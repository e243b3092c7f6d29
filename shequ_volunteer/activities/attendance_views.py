"""签到: the leader's code/QR and roster, the resident's check-in page."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_login import login_required

from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.htmx import answer_refusal, render_page
from . import attendance, checkin
from .blueprint import bp, check_in_secret, roster_context, roster_response, row_anchor
from .models import Activity


@bp.get("/activities/<int:activity_id>/attendance")
@login_required
def attendance_page(activity_id: int):
    """Leader only: the code and QR to show, and the roster to tick."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    return render_page("activities/attendance.html", "roster", **roster_context(activity))


@bp.post("/activities/<int:activity_id>/attendance/<int:signup_id>")
@login_required
def mark_attendance(activity_id: int, signup_id: int):
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    try:
        attendance.mark(current_actor(), activity, signup_id, request.form.get("attendance", ""), utcnow())
    except Refused as refusal:  # said in that person's row, by the buttons
        return answer_refusal(refusal, lambda **shown: roster_response(db.get_or_404(Activity, activity_id),
                                                                       row=signup_id, **shown), field="attendance")
    db.session.commit()
    return roster_response(activity, message="已登记", after=True, row=signup_id)


# The addresses the roster's buttons post to (here and hours.correct). Opened by GET, as when the page a plain
# form's POST answered is reloaded from the address bar or bookmarked, they lead back to that row, not to a 405.
@bp.get("/activities/<int:activity_id>/attendance/<int:signup_id>")
@bp.get("/activities/<int:activity_id>/attendance/<int:signup_id>/hours")
def back_to_roster(activity_id: int, signup_id: int):
    return redirect(url_for(".attendance_page", activity_id=activity_id, _anchor=row_anchor(signup_id)), code=303)


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
        signup = attendance.check_in_with_code(current_actor(), activity, typed, check_in_secret(), utcnow())
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
