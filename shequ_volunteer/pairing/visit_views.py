"""Visit logs (a few taps on the phone), the staff follow-up queue, and the door card."""
from __future__ import annotations

from datetime import datetime

from flask import abort, request, url_for
from flask_login import login_required

from ..database import writes_on_get
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.forms import choices
from ..web.htmx import after_post, answer_refusal, render_page, retarget, wants_fragment
from ..web.qr import qr_svg
from . import queries, rules, services
from .blueprint import access_kept, board_context, bp, household_for, today
from .forms import AID_ROWS, FollowUpForm, VisitForm
from .models import FollowUp, Household

VISIT_TEMPLATE = "pairing/visit_form.html"


def _visit_page(household: Household, form: VisitForm, status: int = 200, aid_errors=None):
    back_to = request.args.get("from")
    return render_page(VISIT_TEMPLATE, "visit_form", status=status, household=household, form=form,
                       aid_rows=range(1, AID_ROWS + 1), aid_errors=aid_errors or {}, typed=request.form,
                       back_to=back_to if back_to in ("board", "mine") else None,
                       board_query=request.values.get("board_query"))


@bp.route("/households/<int:household_id>/visits/new", methods=["GET", "POST"])
@login_required
@writes_on_get
def log_visit(household_id: int):
    """The door card's QR code opens this page for the household's signed-in helper."""
    item = household_for(household_id, "visit")
    form = VisitForm(visited_on=today())
    if not form.is_submitted():
        db.session.commit()  # the access-log row
        return _visit_page(item, form)
    aid, aid_errors = form.aid_lines(request.form)
    form.date_refusal = lambda visited_on: rules.visit_date_refusal(visited_on, today())
    if form.validate() and not aid_errors:
        data = services.VisitInput(
            **form.visit_fields(), aid=aid,
            follow_up_reason=form.follow_up_reason.data if form.needs_follow_up.data else None)
        try:
            services.log_visit(current_actor(), item, data, utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _visit_page(item, form, status, aid_errors), form=form,
                                  field="way", keep=access_kept(item, "visit"))
        db.session.commit()
        message = f"已记录{item.head_name}的探访" + ("，已转社区跟进" if data.follow_up_reason else "")
        if "board_query" in request.form and wants_fragment():
            # A quick visit from the board: the whole board comes back with its new counts.
            return retarget(render_page("pairing/board.html", "board", **board_context(
                request.form["board_query"][:500], message=message)), "#board")
        back = {"board": url_for(".board"), "mine": url_for(".mine")}.get(
            request.args.get("from", ""), url_for(".household", household_id=item.id))
        return after_post(back, VISIT_TEMPLATE, "visit_form", message,
                          household=item, form=VisitForm(formdata=None, visited_on=today()),
                          aid_rows=range(1, AID_ROWS + 1), aid_errors={}, typed={}, saved=True,
                          back_to=None, board_query=None)
    db.session.commit()  # only the access-log row is pending
    return _visit_page(item, form, status=422, aid_errors=aid_errors)


@bp.get("/households/<int:household_id>/door-card")
@login_required
@writes_on_get
def door_card(household_id: int):
    """黄丝带卡: helper's name and phone and the community hotline, for the elder's door."""
    item = household_for(household_id, "print")
    db.session.commit()
    row = next(iter(queries.board_rows(queries.household_scope(item.id), utcnow())), None)
    if row is None:
        abort(404)  # no current pairing: no helper to put on the card
    helpers = queries.helper_contacts(row.pairing.id, today())
    link = url_for(".log_visit", household_id=item.id, _external=True)
    return render_page("pairing/door_card.html", household=item, helpers=helpers, row=row, qr=qr_svg(link, 5),
                       link=link)


def _queue_context(now: datetime, **extra) -> dict:
    """`now`: dates of another Beijing year carry their year (an open item from last December is old)."""
    community_id = current_actor().community_id
    return {"follow_ups": queries.open_follow_ups(community_id),
            "closed": queries.recently_closed_follow_ups(community_id),
            "staff": queries.staff_of(community_id), "now": now, **extra}


@bp.get("/follow-ups")
@login_required
def follow_ups():
    require(current_actor().is_staff, 404)
    return render_page("pairing/follow_ups.html", "queue", **_queue_context(utcnow()))


@bp.post("/follow-ups/<int:follow_up_id>")
@login_required
def update_follow_up(follow_up_id: int):
    follow_up = db.session.get(FollowUp, follow_up_id)
    if follow_up is None or not current_actor().can_manage_community(follow_up.community_id):
        abort(404)
    form = FollowUpForm()
    staff = queries.staff_of(follow_up.community_id)
    form.owner_id.choices = choices([(0, "我来负责"), *((person.id, person.name) for person in staff)])
    if form.validate_on_submit():
        now = utcnow()
        try:
            services.update_follow_up(current_actor(), follow_up, form.status.data, form.owner_id.data or None,
                                      form.resolution.data or "", now)
        except Refused as refusal:
            return answer_refusal(refusal, lambda status, message, **_shown: _queue_answer(
                follow_up_id, form, message, status))
        db.session.commit()
        return after_post(url_for(".follow_ups"), "pairing/follow_ups.html", "queue",
                          f"已更新：{follow_up.household.head_name}（{follow_up.status_label}）", **_queue_context(now))
    message = next(iter(next(iter(form.errors.values()))), "请检查填写的内容")
    return _queue_answer(follow_up_id, form, message)


def _queue_answer(follow_up_id: int, form: FollowUpForm, message: str, status: int = 422):
    return render_page("pairing/follow_ups.html", "queue", status=status,
                       **_queue_context(utcnow(), message=message, message_error=True, failed_id=follow_up_id,
                                        failed_form=form))
