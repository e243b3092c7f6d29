"""已电话通知 on the activity's call list (leaders of the team and its community's staff only)."""
from __future__ import annotations

from flask import abort
from flask_login import login_required

from ..extensions import db
from ..messages import calls
from ..web.auth import current_actor, require
from .blueprint import bp, organiser_action
from .models import Activity


@bp.post("/activities/<int:activity_id>/calls/<int:call_id>/done")
@login_required
def call_done(activity_id: int, call_id: int):
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    subject = calls.Subject.activity(activity.id)
    if not calls.is_on(subject, call_id):
        abort(404)

    def tick(actor, _activity, now):
        calls.mark_called(actor, subject, call_id, now)
    return organiser_action(activity_id, tick, "organiser_panel", "已记下电话通知")
