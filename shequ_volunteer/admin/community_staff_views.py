"""社区工作人员 for staff themselves (/community/staff): who runs the community, and appointing or removing
colleagues, with the same rules and confirmation as the administrator's page (admin.views.change_staff)."""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_login import login_required

from ..accounts.models import ROLE_STAFF
from ..communities.models import Community
from ..extensions import db
from ..web.auth import current_actor, require
from ..web.htmx import after_post, render_page
from . import queries
from .appointment_views import change_staff
from .forms import PersonPhoneForm

bp = Blueprint("community_staff", __name__, url_prefix="/community")


def _own_community() -> Community:
    actor = current_actor()
    require(actor.is_staff and actor.community_id is not None)
    return db.session.get(Community, actor.community_id)


def _context(community: Community, form=None) -> dict:
    return {"community": community, "staff_form": form or PersonPhoneForm(),
            "staff": queries.people_with_role(ROLE_STAFF, [community.id])}


@bp.get("/staff")
@login_required
def index():
    return render_page("admin/community_staff.html", **_context(_own_community()))


@bp.post("/staff/<any(add, remove):change>")
@login_required
def change(change: str):
    community = _own_community()
    return change_staff(community, change, url_for(".index"),
                        lambda form, status, **extra: render_page("admin/community_staff.html", status=status,
                                                                  **_context(community, form), **extra),
                        lambda message: after_post(url_for(".index"), "admin/community_staff.html", "content",
                                                   message, **_context(community)))
