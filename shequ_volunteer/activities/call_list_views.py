"""已电话通知 on the organiser's call list (leaders of the team and its community's staff only)."""
from __future__ import annotations

from flask_login import login_required

from . import call_list
from .blueprint import bp, organiser_action


@bp.post("/activities/<int:activity_id>/calls/<int:call_id>/done")
@login_required
def call_done(activity_id: int, call_id: int):
    def tick(actor, activity, now):
        call_list.mark_called(actor, activity, call_id, now)
    return organiser_action(activity_id, tick, "organiser_panel", "已记下电话通知")
