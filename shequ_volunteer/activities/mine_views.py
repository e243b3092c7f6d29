"""我的活动: the activities a person signed up for, by state."""
from __future__ import annotations

from flask_login import current_user, login_required

from ..timeutil import utcnow
from ..web.htmx import render_page
from . import queries
from .blueprint import bp


@bp.get("/me/activities")
@login_required
def mine():
    """Upcoming, cancelled (with the day it was cancelled) and past, each in its own list."""
    return render_page("activities/mine.html", mine=queries.my_activities(current_user.id, utcnow()))
