"""Activity pages: list, detail with the sign-up panel, and the organiser's forms."""
from __future__ import annotations

from datetime import datetime
from types import SimpleNamespace

from flask import request, url_for
from flask_login import login_required

from ..extensions import db
from ..notices.queries import community_notices
from ..refusals import Refused
from ..rooms.queries import rooms_of
from ..teams.models import Team
from ..timeutil import format_local, to_local, utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.forms import choices
from ..web.htmx import after_post, answer_refusal, render_page
from ..web.qr import qr_svg
from . import queries, rules, series, services
from .blueprint import bp, detail_block, detail_context, organiser_action
from .booking import check_booking
from .forms import ActivityForm, FilterForm
from .models import HOLDING_A_PLACE, SIGNUP_PENDING, SIGNUP_WAITING, Activity

MAX_PAGE = 1000  # far beyond any community's list; keeps OFFSET within the database's integers


@bp.get("/")
def index():
    """Upcoming activities; htmx swaps only the list when a filter changes."""
    form = FilterForm(request.args)
    valid = form.validate()
    flt = queries.ListFilter(
        kind=form.kind.data if valid else "",
        when=form.when.data if valid else "upcoming",
        on_date=form.on_date.data if valid else None,
        page=min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE),
    )
    actor = current_actor()
    now = utcnow()
    activities, has_more = queries.list_activities(actor.community_id, flt, now)
    mine = queries.signed_up_ids(actor.user_id, [a.id for a in activities])
    return render_page(
        "activities/list.html", "activity_list",
        form=form, activities=activities, mine=mine, flt=flt, has_more=has_more, now=now,
        notices=community_notices(actor.community_id, now),
    )


@bp.get("/activities/<int:activity_id>")
def detail(activity_id: int):
    """Activity page; htmx refreshes only the sign-up panel."""
    activity = db.get_or_404(Activity, activity_id)
    return render_page("activities/detail.html", "signup_panel", **detail_context(activity))


def _signup_action(activity_id: int, action, success):
    """Run a sign-up or withdrawal; `success` words the outcome from the sign-up row."""
    activity = db.get_or_404(Activity, activity_id)
    try:
        signup = action(current_actor(), activity, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: detail_block(activity_id, "signup_panel", **shown))
    db.session.commit()
    return after_post(
        url_for(".detail", activity_id=activity_id), "activities/detail.html", "signup_panel",
        success(signup), **detail_context(activity),
    )


@bp.post("/activities/<int:activity_id>/signup")
@login_required
def signup(activity_id: int):
    seats = _seats_from_form()
    return _signup_action(
        activity_id, lambda actor, activity, now: services.sign_up(actor, activity, now, seats), _signed_up_message
    )


def _seats_from_form() -> int:
    """How many seats were asked for; 0 (refused with a message) when it is not a number."""
    raw = request.form.get("seats", "1").strip()
    return int(raw) if raw.isdigit() and len(raw) <= 3 else 0


def _signed_up_message(signup) -> str:
    if signup.status == SIGNUP_PENDING:
        return "已提交报名，等队长审核（名额已为您保留）"
    if signup.status == SIGNUP_WAITING:
        return f"名额已满，已为您加入候补（第{queries.waiting_position(signup)}位），有人取消时自动递补"
    return "报名成功" if signup.seats == 1 else f"报名成功，共{signup.seats}人"


@bp.post("/activities/<int:activity_id>/withdraw")
@login_required
def withdraw(activity_id: int):
    """取消报名 / 退出候补, after saying what the place means; a refusal needs no confirming."""
    activity = db.get_or_404(Activity, activity_id)
    signup = queries.signup_of(current_actor().user_id, activity.id)
    may_withdraw = rules.withdrawal_refusal(services.context_of(activity), now=utcnow()) is None
    if not confirmed() and may_withdraw and signup is not None and signup.status in HOLDING_A_PLACE:
        waiting = signup.status == SIGNUP_WAITING
        return ask_to_confirm(
            f"{'退出候补' if waiting else '取消报名'}：{activity.title}（{format_local(activity.starts_at)}）？",
            _withdraw_consequence(signup), "确定退出候补" if waiting else "确定取消报名",
            url_for(".detail", activity_id=activity.id))
    return _signup_action(activity_id, services.withdraw, lambda _signup: "已取消报名")


def _withdraw_consequence(signup) -> str:
    if signup.status == SIGNUP_WAITING:
        return f"您现在排在候补第{queries.waiting_position(signup)}位，退出后这个位置就没有了。"
    return (f"您的{signup.seats}个名额会马上让给别人（候补的人自动递补），"
            "之后想再报名时名额可能已经没有了。")


@bp.get("/activities/<int:activity_id>/<any(poster, sheet):printout>")
def printable(activity_id: int, printout: str):
    """A4 printouts for the notice board: a poster with a big QR code to this page, or a
    sign-up sheet with empty lines for people without phones (no one's details on it)."""
    activity = db.get_or_404(Activity, activity_id)
    link = url_for(".detail", activity_id=activity.id, _external=True)
    return render_page(f"activities/{printout}.html", activity=activity, qr=qr_svg(link, scale=10), link=link,
                       lines=range(1, 21))


@bp.post("/activities/<int:activity_id>/signups/<int:signup_id>/<any(approve, decline):decision>")
@login_required
def review(activity_id: int, signup_id: int, decision: str):
    """The leader approves or declines a 待审核 sign-up; htmx refreshes the organiser's panel."""
    approve = decision == "approve"
    return organiser_action(
        activity_id, lambda actor, activity, now: services.review(actor, activity, signup_id, approve, now),
        "organiser_panel", "已通过" if approve else "已婉拒")


@bp.post("/activities/<int:activity_id>/cant-come")
@login_required
def cant_come(activity_id: int):
    """"我去不了" after the withdrawal deadline: the leader sees it on the roster."""
    return _signup_action(activity_id, services.cant_come, lambda _signup: "已告诉队长您去不了")


@bp.route("/teams/<int:team_id>/activities/new", methods=["GET", "POST"])
@login_required
def create(team_id: int):
    """A new activity, or a series of them when it repeats."""
    team = db.get_or_404(Team, team_id)
    require(current_actor().can_manage_team(team))
    form = _activity_form(team)
    form.require_future_start = True
    if form.validate_on_submit():
        rule = form.to_rule()
        starts = series.planned_starts(form.to_input(), rule)
        data, room_problem = check_booking(team.community_id, form.to_input(), starts, [])
        if not starts:
            form.repeat.errors.append("按这个规则，在结束日期前没有一次活动")
        elif room_problem:
            form.room_id.errors.append(room_problem)
        else:
            created = series.create_series(current_actor(), team.id, data, rule, utcnow())
            db.session.commit()
            first = created[0]
            message = "活动已发布" if len(created) == 1 else f"已发布{len(created)}次活动（{first.series.rule_text}）"
            return after_post(url_for(".detail", activity_id=first.id), "activities/detail.html",
                              "content", message, **detail_context(first))
    return render_page("activities/form.html", status=422 if form.is_submitted() else 200,
                       form=form, team=team, activity=None)


@bp.route("/activities/<int:activity_id>/edit", methods=["GET", "POST"])
@login_required
def edit(activity_id: int):
    """Edit one activity, or this occurrence and every later one of its series."""
    activity = db.get_or_404(Activity, activity_id)
    require(current_actor().can_manage_team(activity.team))
    form = _activity_form(activity.team, obj=_local_view(activity))
    if form.validate_on_submit():
        data, now = form.to_input(), utcnow()
        whole_rest = activity.series_id is not None and form.scope.data == "later"
        problem = (series.series_problem(activity, data, now) if whole_rest
                   else services.capacity_problem(activity, form.capacity.data))
        affected = series.later_in_series(activity, now) if whole_rest else [activity]
        shift = data.starts_at - activity.starts_at
        data, room_problem = check_booking(activity.team.community_id, data,
                                           [a.starts_at + shift for a in affected], [a.id for a in affected])
        if problem:
            form.capacity.errors.append(problem)
        elif room_problem:
            form.room_id.errors.append(room_problem)
        else:
            if whole_rest:
                changed = series.update_from(current_actor(), activity, data, now)
                message = f"已修改这一次及以后共{len(changed)}次"
            else:
                services.update_activity(current_actor(), activity, data, now)
                message = "活动已修改"
            db.session.commit()
            return after_post(url_for(".detail", activity_id=activity.id), "activities/detail.html",
                              "content", message, **detail_context(activity))
    return render_page("activities/form.html", status=422 if form.is_submitted() else 200,
                       form=form, team=activity.team, activity=activity)


def _activity_form(team: Team, **kwargs) -> ActivityForm:
    """The activity form with the community's rooms to choose from."""
    form = ActivityForm(**kwargs)
    form.room_id.choices = choices([(0, "不用社区场地"), *((r.id, f"{r.name}（{r.capacity}人）")
                                                         for r in rooms_of(team.community_id))])
    return form


def _local_view(activity: Activity) -> SimpleNamespace:
    """The activity's editable fields, times in Shanghai wall time, for pre-filling the form."""

    def wall(value):
        return to_local(value).replace(tzinfo=None) if isinstance(value, datetime) else value

    values = {name: wall(getattr(activity, name)) for name in services.FIELDS}
    values["room_id"] = activity.room_id or 0
    return SimpleNamespace(**values)
