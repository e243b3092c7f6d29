"""代报名: staff and leaders sign up residents who have no phone of their own."""
from __future__ import annotations

from flask import request, url_for
from flask_login import login_required

from ..accounts import services as accounts
from ..accounts.models import User
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.htmx import after_post, answer_refusal, render_page
from . import queries, services
from .blueprint import bp
from .forms import OnBehalfExistingForm, OnBehalfNewPersonForm
from .models import Activity

TEMPLATE = "activities/on_behalf.html"


def _managed_activity(activity_id: int) -> Activity:
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    return activity


def _context(activity: Activity, new_form=None, **extra) -> dict:
    query = request.args.get("q", "")[:40]
    return {
        "activity": activity,
        "query": query,
        "found": queries.find_residents(activity.team.community_id, query),
        "new_form": new_form or OnBehalfNewPersonForm(formdata=None),
        "entered": queries.participants(activity.id),
        "now": utcnow(),
        **extra,
    }


@bp.get("/activities/<int:activity_id>/on-behalf")
@login_required
def on_behalf(activity_id: int):
    """Search residents by name or phone; htmx refreshes only the results."""
    activity = _managed_activity(activity_id)
    return render_page(TEMPLATE, "search_results", **_context(activity))


def _sign_up(activity: Activity, person: User, seats: int, new_form=None):
    try:
        signup = services.sign_up_on_behalf(current_actor(), activity, person, utcnow(), seats)
    except Refused as refusal:
        return answer_refusal(refusal, lambda message, **shown: render_page(
            TEMPLATE, "content", message=f"{person.name}：{message}", **shown,
            **_context(db.get_or_404(Activity, activity.id), new_form)))
    db.session.commit()
    state = "候补" if signup.status == "waiting" else "报名"
    return after_post(url_for(".on_behalf", activity_id=activity.id), TEMPLATE, "content",
                      f"已为{person.name}{state}（{signup.seats}人）", **_context(activity))


@bp.post("/activities/<int:activity_id>/on-behalf")
@login_required
def on_behalf_existing(activity_id: int):
    activity = _managed_activity(activity_id)
    form = OnBehalfExistingForm()
    person = db.session.get(User, form.user_id.data) if form.validate_on_submit() else None
    if person is None or person.community_id != activity.team.community_id:
        return render_page(TEMPLATE, "content", status=422, message="请从搜索结果里选择居民",
                           message_error=True, **_context(activity))
    return _sign_up(activity, person, form.seats.data or 1)


@bp.post("/activities/<int:activity_id>/on-behalf/new")
@login_required
def on_behalf_new(activity_id: int):
    """Someone not registered: find them by phone, or register them without a password."""
    activity = _managed_activity(activity_id)
    form = OnBehalfNewPersonForm()
    if not form.validate_on_submit():
        return render_page(TEMPLATE, "content", status=422, **_context(activity, form))
    person = accounts.found_or_registered_on_behalf(form.phone.data, form.name.data, activity.team.community_id,
                                                    utcnow())
    if person.community_id != activity.team.community_id:
        form.phone.errors.append("这个手机号属于其他社区的居民")
        return render_page(TEMPLATE, "content", status=422, **_context(activity, form))
    return _sign_up(activity, person, form.seats.data or 1, form)
