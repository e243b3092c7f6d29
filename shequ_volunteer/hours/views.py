"""我的服务时长 with 补录, the staff's approval queue, and the leader's correction."""
from __future__ import annotations

from flask import Blueprint, request, url_for
from flask_login import current_user, login_required

from ..activities.blueprint import roster_response
from ..activities.models import Activity, Signup
from ..extensions import db
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.forms import choices
from ..web.htmx import after_decision, after_post, answer_refusal, render_page
from . import queries, rules, services
from .forms import ClaimForm
from .models import HoursEntry

bp = Blueprint("hours", __name__)


def _claim_form() -> ClaimForm:
    form = ClaimForm()
    teams = db.session.scalars(db.select(Team).where(Team.id.in_(current_actor().member_team_ids)))
    form.team_id.choices = choices((t.id, t.name) for t in teams)
    return form


def _mine(form: ClaimForm, status: int = 200):
    return render_page("hours/mine.html", status=status, **_mine_context(form))


@bp.get("/me/hours")
@login_required
def mine():
    return _mine(_claim_form())


@bp.post("/me/hours/claims")
@login_required
def claim():
    form = _claim_form()
    if form.validate_on_submit():
        try:
            services.claim(current_actor(), form.team_id.data, form.served_on.data, form.minutes, form.note.data,
                           utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _mine(form, status), form=form, field="served_on")
        db.session.commit()
        return after_post(url_for(".mine"), "hours/mine.html", "content", "已提交补录，等社区工作人员审核",
                          **_mine_context(_claim_form()))
    return _mine(form, status=422)


def _mine_context(form: ClaimForm) -> dict:
    """我的服务时长: the counted lines, their total, the claims and the 补录 form."""
    lines, claims = queries.my_hours(current_user.id, utcnow())
    return {"form": form, "lines": lines, "claims": claims, "total": sum(x.minutes for x in lines),
            "fmt": rules.format_minutes}


@bp.get("/hours/claims")
@login_required
def queue():
    require(current_actor().is_staff)
    return render_page("hours/queue.html", "claims", **_queue_context())


def _queue_context() -> dict:
    return {"claims": queries.pending_claims(current_actor().community_id), "fmt": rules.format_minutes}


@bp.post("/hours/claims/<int:entry_id>/<any(approve, decline):decision>")
@login_required
def decide(entry_id: int, decision: str):
    entry = db.get_or_404(HoursEntry, entry_id)
    require(current_actor().can_manage_community(entry.team.community_id))
    return after_decision(lambda: services.decide(current_actor(), entry, decision == "approve", utcnow()),
                          "已通过" if decision == "approve" else "已退回", url_for(".queue"), "hours/queue.html",
                          "claims", _queue_context)


@bp.post("/activities/<int:activity_id>/attendance/<int:signup_id>/hours")
@login_required
def correct(activity_id: int, signup_id: int):
    """The leader corrects the hours one attendance counts; the change is recorded. A refusal shows by that
    person's hours box, with what was typed (a GET of this address: activities.back_to_roster)."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    signup = db.get_or_404(Signup, signup_id)
    typed = request.form.get("hours", "")[:20]

    def roster(**shown):
        return roster_response(activity, row=signup_id, field="hours", typed=typed, **shown)
    minutes = rules.parse_hours(typed)
    if minutes is None:
        return roster(status=422, message=rules.HOURS_WANTED, message_error=True)
    try:
        services.correct(current_actor(), activity, signup, minutes, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, roster, field="hours")
    db.session.commit()
    return roster(message=f"时长已改为{rules.format_minutes(minutes)}", after=True)
