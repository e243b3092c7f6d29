"""Team pages: list, detail with roster and applications, staff management."""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_login import login_required

from ..extensions import db
from ..notices.queries import team_notices
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, forget_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_decision, after_post, answer_refusal, render_page
from . import queries, services
from .forms import LeaderForm, RemoveMemberForm, TeamForm
from .models import REMOVAL_REASONS, Membership, Team

bp = Blueprint("teams", __name__, url_prefix="/teams")


@bp.get("")
def index():
    return render_page("teams/list.html", teams=queries.teams_with_counts(current_actor().community_id))


def _team_context(team: Team, leader_form=None, removal: tuple[int, RemoveMemberForm] | None = None) -> dict:
    actor = current_actor()
    can_manage, now = actor.can_manage_team(team), utcnow()
    return {
        "team": team,
        "can_manage": can_manage,
        "can_manage_leaders": actor.can_manage_community(team.community_id),
        "roster": queries.roster(team.id) if actor.can_see_roster(team) else None,
        "applications": queries.pending_applications(team.id) if can_manage else [],
        "leaders": queries.leaders(team.id),
        "activities": queries.upcoming_activities(team.id, now),
        # Team notices reach only current members (and those who manage the team).
        "notices": team_notices(team.id, now) if actor.can_see_roster(team) else [],
        "now": now,
        "is_member": team.id in actor.member_team_ids,
        "is_pending": team.id in actor.pending_team_ids,
        "leader_form": leader_form or LeaderForm(),
        # The removal form that was refused (membership id, form), shown open with its message; others blank.
        "removal": removal or (None, None),
        "blank_removal": RemoveMemberForm(formdata=None),
    }


@bp.get("/<int:team_id>")
def detail(team_id: int):
    team = db.get_or_404(Team, team_id)
    return render_page("teams/detail.html", "membership_panel", **_team_context(team))


@bp.post("/<int:team_id>/apply")
@login_required
def apply(team_id: int):
    return _member_action(team_id, services.apply_to_join, "已提交申请，请等待队长审核")


@bp.post("/<int:team_id>/leave")
@login_required
def leave(team_id: int):
    """退出队伍, after saying what is lost (a leader's role too); a refusal needs no confirming."""
    team = db.get_or_404(Team, team_id)
    actor = current_actor()
    if not confirmed() and team.id in actor.member_team_ids | actor.pending_team_ids:
        lost = ("您是本队队长，退出后就不再是队长，不能再管理本队的活动、报名和入队申请"
                if team.id in actor.leader_team_ids else "退出后您不再是本队队员，不能再报名仅本队队员参加的活动")
        return ask_to_confirm(f"退出{team.name}？", f"{lost}；想回来要重新申请。", "确定退出队伍",
                              url_for(".detail", team_id=team.id))
    return _member_action(team_id, services.leave, "您已退出这支队伍")


def _member_action(team_id: int, action, success: str):
    team = db.get_or_404(Team, team_id)
    try:
        action(current_actor(), team, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: render_page("teams/detail.html", "membership_panel", **shown,
                                                                   **_team_context(team)))
    db.session.commit()
    forget_actor()  # memberships changed: rebuild for the response
    return after_post(url_for(".detail", team_id=team_id), "teams/detail.html", "membership_panel",
                      success, **_team_context(team))


@bp.post("/memberships/<int:membership_id>/<any(approve, decline):decision>")
@login_required
def decide(membership_id: int, decision: str):
    """Leader approves or declines inline; htmx swaps the applications block."""
    membership = db.get_or_404(Membership, membership_id)
    require(current_actor().can_manage_team(membership.team))
    return after_decision(lambda: services.decide(current_actor(), membership, decision == "approve", utcnow()),
                          "已同意入队" if decision == "approve" else "已婉拒申请",
                          url_for(".detail", team_id=membership.team_id), "teams/detail.html", "applications_panel",
                          lambda: _team_context(membership.team))


@bp.post("/memberships/<int:membership_id>/remove")
@login_required
def remove_member(membership_id: int):
    """移出队伍: the reason is chosen, then the consequence is confirmed; the roster is answered either way."""
    membership = db.get_or_404(Membership, membership_id)
    team = membership.team
    require(current_actor().can_manage_team(team))
    form = RemoveMemberForm()
    if not form.validate_on_submit():
        return render_page("teams/detail.html", "roster_panel", status=422,
                           **_team_context(team, removal=(membership.id, form)))
    if not confirmed():
        return ask_to_confirm(f"把{membership.user.name}移出{team.name}？",
                              f"原因：{REMOVAL_REASONS[form.reason.data]}。移出后不再是本队队员，不能再报名仅本队队员参加的活动；"
                              "过去的服务记录保留。", "确定移出", url_for(".detail", team_id=team.id))
    try:
        services.remove_member(current_actor(), membership, form.reason.data, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: render_page("teams/detail.html", "roster_panel", **shown,
                                                                   **_team_context(team)))
    db.session.commit()
    forget_actor()
    return after_post(url_for(".detail", team_id=team.id), "teams/detail.html", "roster_panel",
                      "已移出队伍", **_team_context(team))


@bp.route("/new", methods=["GET", "POST"])
@login_required
def create():
    require(current_actor().is_staff)
    return _team_form(None)


@bp.route("/<int:team_id>/edit", methods=["GET", "POST"])
@login_required
def edit(team_id: int):
    team = db.get_or_404(Team, team_id)
    require(current_actor().can_manage_community(team.community_id))
    return _team_form(team)


def _team_form(team: Team | None):
    form = TeamForm(obj=team)
    if form.validate_on_submit():
        team = services.save_team(current_actor(), team, form.name.data, form.kind.data,
                                  form.description.data or "", utcnow())
        db.session.commit()
        return after_post(url_for(".detail", team_id=team.id), "teams/detail.html", "content",
                          "队伍已保存", **_team_context(team))
    return render_page("teams/form.html", status=422 if form.is_submitted() else 200, form=form, team=team)


@bp.post("/<int:team_id>/leaders/<any(add, remove):change>")
@login_required
def leaders(team_id: int, change: str):
    """Staff appoint or remove a team leader by phone number."""
    team = db.get_or_404(Team, team_id)
    require(current_actor().can_manage_community(team.community_id))
    form = LeaderForm()
    if form.validate_on_submit():
        try:
            services.set_leader(current_actor(), team, form.phone.data, change == "add", utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _leaders_panel(team, form, status), form=form, field="phone")
        db.session.commit()
        forget_actor()
        return after_post(url_for(".detail", team_id=team.id), "teams/detail.html", "content",
                          "队长已设置" if change == "add" else "已取消队长", **_team_context(team))
    return _leaders_panel(team, form, 422)


def _leaders_panel(team: Team, form: LeaderForm, status: int):
    return render_page("teams/detail.html", "leaders_panel", status=status, **_team_context(team, leader_form=form))
