"""取消这个活动 (after a confirmation saying who will see it) and 恢复活动 (its undo, before the start)."""
from __future__ import annotations

from flask import url_for
from flask_login import login_required

from ..extensions import db
from ..timeutil import format_local, utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post
from . import queries, services
from .blueprint import bp, detail_context, organiser_action
from .models import Activity


@bp.post("/activities/<int:activity_id>/cancel")
@login_required
def cancel(activity_id: int):
    """取消这个活动, after saying who will see it; the sign-ups are kept for 恢复活动."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    if not confirmed() and not activity.is_cancelled:
        return ask_to_confirm(f"取消活动：{activity.title}（{format_local(activity.starts_at)}）？",
                              _cancel_consequence(activity), "确定取消活动",
                              url_for(".detail", activity_id=activity.id))
    services.cancel_activity(current_actor(), activity, utcnow())
    db.session.commit()
    return after_post(url_for(".detail", activity_id=activity.id), "activities/detail.html",
                      "content", "活动已取消，报名的居民会看到“已取消”", **detail_context(activity))


def _cancel_consequence(activity: Activity) -> str:
    waiting = queries.waiting_count(activity.id)
    told = f"{activity.seats_taken} 人已报名，将看到活动已取消" if activity.seats_taken else "还没有人报名"
    if waiting:
        told += f"；候补的 {waiting} 人也会看到"
    return f"{told}。活动开始前可以恢复，恢复后报名照旧。"


@bp.post("/activities/<int:activity_id>/restore")
@login_required
def restore(activity_id: int):
    """恢复活动: undo a cancellation before the start; the sign-ups come back as they were."""
    return organiser_action(activity_id, services.restore_activity, "content", "活动已恢复，报名照旧")
