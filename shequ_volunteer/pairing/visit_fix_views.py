"""更正 and 删除 of a logged visit, linked beside each visit on the household page.

Reached only by those pairing.corrections lets fix the visit (its visitor for a week, staff of the community);
everyone else gets 404, as for a household they may not see. Deleting asks first (web.confirm), with a reason.
"""
from __future__ import annotations

from flask import abort, url_for
from flask_login import login_required

from ..database import writes_on_get
from ..extensions import db
from ..refusals import Refused
from ..timeutil import format_day, local_date, utcnow
from ..web.auth import current_actor
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, answer_refusal, render_page
from . import corrections, rules, services
from .blueprint import access_kept, bp, household_for
from .forms import VisitCorrectionForm, VisitDeleteForm
from .models import Household, Visit

FIX_TEMPLATE, DELETE_TEMPLATE = "pairing/visit_fix.html", "pairing/visit_delete.html"


def visit_to_fix(visit_id: int) -> tuple[Visit, Household, str | None]:
    """The visit, its household (the view is logged) and why it may not be fixed now, or 404 for someone who may
    never fix it. The visitor whose week has run out (say, while filling in the form) is told so on the page, with
    what they typed kept: the service refuses the write itself."""
    visit = db.session.get(Visit, visit_id)
    if visit is None:
        abort(404)
    household = household_for(visit.household_id, "visit")
    refusal = corrections.fix_refusal(current_actor(), visit, household.community_id, utcnow())
    if refusal == rules.NOT_YOUR_VISIT:
        abort(404)
    return visit, household, refusal


def _fix_page(visit: Visit, household: Household, form, status: int = 200, **extra):
    return render_page(FIX_TEMPLATE, "visit_fix", status=status, visit=visit, household=household, form=form,
                       logged_on=local_date(visit.created_at), **extra)


@bp.route("/visits/<int:visit_id>/edit", methods=["GET", "POST"])
@login_required
@writes_on_get
def correct_visit(visit_id: int):
    """更正: the visit's own form, filled in with what was logged."""
    visit, household, too_late = visit_to_fix(visit_id)
    form = VisitCorrectionForm(obj=visit)
    if not form.is_submitted():
        form.concerns.data = [key for key in visit.concerns.split(",") if key]
        db.session.commit()  # the access-log row
        if too_late:  # a stale link: say why, with no form to fill in
            return _fix_page(visit, household, form, 409, message=too_late, message_error=True, closed=True)
        return _fix_page(visit, household, form)
    logged_on = local_date(visit.created_at)
    form.date_refusal = lambda visited_on: rules.corrected_date_refusal(visited_on, logged_on)
    if form.validate():
        data = services.VisitInput(**form.visit_fields())
        try:
            changed = corrections.correct_visit(current_actor(), visit, data, utcnow())
        except Refused as refusal:  # no field named (the week ran out, the visit is gone): said above the form
            return answer_refusal(refusal, lambda status, **shown: _fix_page(visit, household, form, status, **shown),
                                  form=form, keep=access_kept(household, "visit"))
        db.session.commit()
        return after_post(url_for(".household", household_id=household.id), FIX_TEMPLATE, "visit_fix",
                          "已更正探访记录" if changed else "没有改动", visit=visit, household=household, form=form,
                          logged_on=None, saved=True)
    db.session.commit()  # only the access-log row is pending
    return _fix_page(visit, household, form, 422, message=too_late, message_error=True)


@bp.route("/visits/<int:visit_id>/delete", methods=["GET", "POST"])
@login_required
@writes_on_get
def delete_visit(visit_id: int):
    """删除（录错了）: choose why, then confirm; the visit's follow-up goes too while no one has taken it up."""
    visit, household, too_late = visit_to_fix(visit_id)
    form = VisitDeleteForm()
    if not form.is_submitted() or not form.validate():
        db.session.commit()  # the access-log row
        status = 422 if form.is_submitted() else 409 if too_late else 200
        return render_page(DELETE_TEMPLATE, "visit_delete", status=status, visit=visit, household=household,
                           form=form, message=too_late, message_error=True, closed=too_late and not form.is_submitted())
    back = url_for(".household", household_id=household.id)
    if not confirmed() and not too_late:  # too late: straight to the service's refusal, not a question first
        db.session.commit()
        follow_up = "这次探访转出的、还没人处理的跟进事项也会一起删除；" if visit.needs_follow_up else ""
        return ask_to_confirm(f"删除{format_day(visit.visited_on, with_year=True)}的这条探访记录？",
                              f"删除后不能恢复，探访统计和应访日期会重新计算；{follow_up}操作会记入操作记录。",
                              "确定删除", back)
    try:
        corrections.delete_visit(current_actor(), visit, form.reason.data, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda status, **shown: render_page(
            DELETE_TEMPLATE, "visit_delete", status=status, visit=visit, household=household, form=form, **shown),
            keep=access_kept(household, "visit"))
    db.session.commit()
    return after_post(back, DELETE_TEMPLATE, "visit_delete", "已删除这条探访记录", visit=visit, household=household,
                      form=form, deleted=True)
