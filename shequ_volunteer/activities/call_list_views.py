"""已电话通知 on the organiser's call list (leaders of the team and its community's staff only)."""
from __future__ import annotations

from flask import abort
from flask_login import login_required

from ..extensions import db
from ..web.auth import current_actor, require
from . import call_list
from .blueprint import bp, organiser_action
from .models import Activity, PhoneCall


@bp.post("/activities/<int:activity_id>/calls/<int:call_id>/done")
@login_required
def call_done(activity_id: int, call_id: int):
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    call = db.session.get(PhoneCall, call_id)
    if call is None or call.activity_id != activity.id:
        abort(404)

    def tick(actor, activity, now):
        call_list.mark_called(actor, activity, call_id, now)
    return organiser_action(activity_id, tick, "organiser_panel", "已记下电话通知")
