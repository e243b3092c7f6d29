"""The administrator's pages (/admin): the 街道 (once), its communities, their staff, its viewers.

Everyone but an administrator gets 404, and so does an administrator asking for another 街道's community.
"""
from __future__ import annotations

from flask import Blueprint, abort, url_for
from flask_login import login_required

from ..accounts.models import ROLE_STAFF, ROLE_VIEWER
from ..communities.models import Community, Street
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, answer_refusal, render_page
from . import queries, services
from .appointment_views import change_staff, holder
from .forms import CommunityForm, PersonPhoneForm, StreetForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _admin():
    actor = current_actor()
    if not actor.is_admin:
        abort(404)
    return actor


def _own_community(community_id: int) -> Community:
    community = db.get_or_404(Community, community_id)
    if not _admin().can_administer(community.street_id):
        abort(404)
    return community


def _street_context(street_form=None, viewer_form=None) -> dict:
    actor = _admin()
    street = db.session.get(Street, actor.street_id) if actor.street_id else None
    communities = queries.communities_of(street.id) if street else []
    return {"street": street, "communities": communities, "street_form": street_form or StreetForm(),
            "viewer_form": viewer_form or PersonPhoneForm(),
            "viewers": queries.people_with_role(ROLE_VIEWER, [c.id for c in communities])}


@bp.get("")
@login_required
def index():
    return render_page("admin/index.html", **_street_context())


@bp.post("/street")
@login_required
def create_street():
    form = StreetForm()
    if form.validate_on_submit():
        try:
            services.create_street(_admin(), form.name.data, utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status, **extra: _street_page(form, status, **extra),
                                  form=form)
        db.session.commit()
        return after_post(url_for(".index"), "admin/index.html", "content", "街道已建立", **_street_context())
    return _street_page(form, 422)


def _street_page(form: StreetForm, status: int, **extra):
    return render_page("admin/index.html", status=status, **_street_context(street_form=form), **extra)


@bp.post("/viewers/<any(add, remove):change>")
@login_required
def viewers(change: str):
    form = PersonPhoneForm()
    if form.validate_on_submit():
        if change == "remove" and not confirmed():
            person = holder(ROLE_VIEWER, form.phone.data, _admin().street_id)
            if person is not None:
                return ask_to_confirm(f"免去{person.name}的街道查看人员？", "对方将不能再查看本街道各社区的统计。",
                                      "确定免去", url_for(".index"))
        try:
            services.set_role(_admin(), ROLE_VIEWER, change == "add", form.phone.data, utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status, **extra: _viewers_page(form, status, **extra),
                                  form=form)
        db.session.commit()
        return after_post(url_for(".index"), "admin/index.html", "content",
                          "已任命街道查看人员" if change == "add" else "已免去街道查看人员", **_street_context())
    return _viewers_page(form, 422)


def _viewers_page(form: PersonPhoneForm, status: int, **extra):
    return render_page("admin/index.html", status=status, **_street_context(viewer_form=form), **extra)


@bp.route("/communities/new", methods=["GET", "POST"])
@bp.route("/communities/<int:community_id>", methods=["GET", "POST"])
@login_required
def community(community_id: int | None = None):
    """A new community of the 街道, or one of them: its name, address and hotline, and its staff."""
    item = _own_community(community_id) if community_id is not None else None
    actor = _admin()
    if item is None and actor.street_id is None:
        abort(404)  # communities belong to a 街道: create it first
    form = CommunityForm(obj=item)
    if form.validate_on_submit():
        try:
            item = services.save_community(actor, item, form.name.data, form.address.data or "",
                                           form.hotline.data or "", utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status, **extra: _community_page(item, form, None, status, **extra),
                                  form=form)
        db.session.commit()
        return after_post(url_for(".community", community_id=item.id), "admin/community.html", "content",
                          "社区信息已保存", **_community_context(item, CommunityForm(obj=item), None))
    return _community_page(item, form, None, 422 if form.is_submitted() else 200)


@bp.post("/communities/<int:community_id>/staff/<any(add, remove):change>")
@login_required
def staff(community_id: int, change: str):
    item = _own_community(community_id)
    return change_staff(item, change, url_for(".community", community_id=item.id),
                        lambda form, status, **extra: _community_page(item, None, form, status, **extra),
                        lambda message: after_post(url_for(".community", community_id=item.id), "admin/community.html",
                                                   "content", message, **_community_context(item, None, None)))


def _community_context(item: Community | None, form, staff_form) -> dict:
    return {"community": item, "form": form or CommunityForm(obj=item), "staff_form": staff_form or PersonPhoneForm(),
            "staff": queries.people_with_role(ROLE_STAFF, [item.id]) if item else []}


def _community_page(item: Community | None, form, staff_form, status: int, **extra):
    return render_page("admin/community.html", status=status, **_community_context(item, form, staff_form), **extra)
