"""Household register and pairings (staff), and the household page its helpers see.

Every route that shows a household goes through access.visible_household: 404 for anyone
who may not see it, and a row in the access log for everyone who does.
"""
from __future__ import annotations

from flask import abort, redirect, url_for
from flask_login import login_required

from ..database import writes_on_get
from ..extensions import db
from ..phones import split_phones
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.forms import choices
from ..web.htmx import after_post, answer_refusal, render_page
from . import corrections, queries, services
from .access import helper_since
from .blueprint import access_kept, bp, household_for, today
from .forms import HelpersForm, HouseholdForm, MajorChangeForm, PairingForm
from .models import Household, Pairing


def staff_household(household_id: int, action: str = "view") -> Household:
    """As household_for, for staff-only routes: helpers and leaders get 404 too."""
    household = db.session.get(Household, household_id)
    if household is None or not current_actor().can_manage_community(household.community_id):
        abort(404)
    return household_for(household_id, action)


@bp.get("/households")
@login_required
def register():
    require(current_actor().is_staff, 404)
    return render_page("pairing/households.html",
                       rows=queries.households_of(current_actor().community_id, today()))


@bp.route("/households/new", methods=["GET", "POST"])
@login_required
def new_household():
    require(current_actor().is_staff, 404)
    return _save_household(None)


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@login_required
@writes_on_get
def edit_household(household_id: int):
    return _save_household(staff_household(household_id, "edit"))


def _save_household(household: Household | None):
    form = HouseholdForm(obj=household)
    if not form.is_submitted():
        if household is not None:  # the stored string is not what the checkboxes take
            form.categories.data = [key for key in household.categories.split(",") if key]
            form.consent.data = household.consent_recorded_at is not None
        db.session.commit()  # the access-log row of an edit page view
        return _household_form(form, household)
    if form.validate():
        try:
            saved = services.save_household(current_actor(), household, form.household_data(), utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _household_form(form, household, status), form=form,
                                  field="head_name", keep=access_kept(household, "edit"))
        db.session.commit()
        return redirect(url_for(".household", household_id=saved.id), code=303)
    db.session.commit()  # only the access-log row is pending
    return _household_form(form, household, 422)


def _household_form(form: HouseholdForm, household: Household | None, status: int = 200):
    return render_page("pairing/household_form.html", status=status, form=form, household=household)


def household_context(household: Household, **extra) -> dict:
    """What the household page shows: staff see the whole record, helpers what staff released."""
    actor = current_actor()
    is_staff = actor.can_manage_community(household.community_id)
    pairing = services.active_pairing(household.id, today())
    # A helper sees the visits of their own time only; what came before is in the brief staff wrote.
    visit_since = None if is_staff else (helper_since(household.id, actor.user_id, today())
                                         or (pairing.starts_on if pairing else today()))
    visits = queries.visits(household.id, since=visit_since)
    now = utcnow()
    return {
        "household": household,
        "is_staff": is_staff,
        "pairing": pairing,
        "may_choose_helpers": bool(pairing) and services.may_choose_helpers(actor, pairing, household.community_id),
        "board_row": next(iter(queries.board_rows(queries.household_scope(household.id), now)), None),
        "history": queries.helper_history(household.id) if is_staff else [],
        "pairings": queries.pairings_of(household.id) if is_staff else [],
        "visits": visits,
        # The visits this person may correct or delete now (pairing.corrections): their links are shown.
        "fixable": {visit.id for visit in visits
                    if corrections.fix_refusal(actor, visit, household.community_id, now) is None},
        "latest_change": queries.latest_change(household.id),
        "pairing_form": extra.pop("pairing_form", None) or _pairing_form(household),
        "helpers_form": extra.pop("helpers_form", None) or HelpersForm(formdata=None),
        "change_form": extra.pop("change_form", None) or MajorChangeForm(formdata=None),
        **extra,
    }


def _pairing_form(household: Household, submitted: bool = False) -> PairingForm:
    form = PairingForm() if submitted else PairingForm(formdata=None, starts_on=today())
    teams = db.session.scalars(db.select(Team).where(Team.community_id == household.community_id).order_by(Team.id))
    form.team_id.choices = choices([(0, "不结对队伍"), *((t.id, t.name) for t in teams)])
    return form


@bp.get("/households/<int:household_id>")
@login_required
@writes_on_get
def household(household_id: int):
    item = household_for(household_id)
    db.session.commit()  # the access-log row, before the page reads (a commit expires what was loaded)
    return render_page("pairing/household.html", "pairing_panel", **household_context(item))


@bp.post("/households/<int:household_id>/pairings")
@login_required
def pair(household_id: int):
    item = staff_household(household_id, "edit")
    form = _pairing_form(item, submitted=True)
    if form.validate_on_submit():
        try:
            services.create_pairing(current_actor(), item, split_phones(form.helper_phones.data or ""),
                                    form.team_id.data or None, form.reason.data, form.starts_on.data, utcnow(),
                                    ends_on=form.ends_on.data)
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _pairing_answer(item, status=status, pairing_form=form),
                                  form=form, field="helper_phones", keep=access_kept(item, "edit"))
        db.session.commit()
        return _pairing_answer(item, "已结对")
    db.session.commit()
    return _pairing_answer(item, status=422, pairing_form=form)


def _pairing_answer(item: Household, message: str | None = None, status: int = 200, **forms):
    item = db.session.get(Household, item.id)
    if status != 200:
        return render_page("pairing/household.html", "pairing_panel", status=status, **household_context(item, **forms))
    return after_post(url_for(".household", household_id=item.id), "pairing/household.html", "pairing_panel",
                      message, **household_context(item))


@bp.post("/pairings/<int:pairing_id>/helpers")
@login_required
def change_helpers(pairing_id: int):
    pairing = db.get_or_404(Pairing, pairing_id)
    item = household_for(pairing.household_id, "edit")
    if not services.may_choose_helpers(current_actor(), pairing, item.community_id):
        abort(404)
    form = HelpersForm()
    if form.validate_on_submit():
        try:
            services.change_helpers(current_actor(), pairing, split_phones(form.helper_phones.data or ""), utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _pairing_answer(item, status=status, helpers_form=form),
                                  form=form, field="helper_phones", keep=access_kept(item, "edit"))
        db.session.commit()
        return _pairing_answer(item, "已更换结对志愿者")
    db.session.commit()
    return _pairing_answer(item, status=422, helpers_form=form)


@bp.post("/pairings/<int:pairing_id>/end")
@login_required
def end_pairing(pairing_id: int):
    pairing = db.get_or_404(Pairing, pairing_id)
    item = staff_household(pairing.household_id, "edit")
    try:
        services.end_pairing(current_actor(), pairing, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda status, **shown: render_page(
            "pairing/household.html", "pairing_panel", status=status,
            **household_context(db.session.get(Household, item.id), **shown)), keep=access_kept(item, "edit"))
    db.session.commit()
    return _pairing_answer(item, "结对已结束，原志愿者不能再查看这户的信息")


@bp.post("/households/<int:household_id>/changes")
@login_required
def report_change(household_id: int):
    item = household_for(household_id, "edit")
    form = MajorChangeForm()
    if form.validate_on_submit():
        services.report_major_change(current_actor(), item, form.kind.data, form.note.data, utcnow())
        db.session.commit()
        return _pairing_answer(item, "已记录，需要在24小时内探访")
    db.session.commit()
    return _pairing_answer(item, status=422, change_form=form)


@bp.get("/households/<int:household_id>/access-log")
@login_required
@writes_on_get
def access_log(household_id: int):
    item = staff_household(household_id, "log")
    db.session.commit()
    return render_page("pairing/access_log.html", household=item,
                       rows=queries.access_log(item.community_id, household_id=item.id))


@bp.get("/households/access-log")
@login_required
def community_access_log():
    require(current_actor().is_staff, 404)
    return render_page("pairing/access_log.html", household=None,
                       rows=queries.access_log(current_actor().community_id))

