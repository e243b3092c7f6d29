"""The team's work group: a leader or staff pastes the group robot's webhook address; shown masked only."""
from __future__ import annotations

from flask import current_app, url_for
from flask_login import login_required

from ..extensions import db
from ..outbox.rules import masked
from ..outbox.services import set_team_webhook
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, answer_refusal, render_page
from .blueprint import bp
from .forms import WorkGroupForm


def _allow_local() -> bool:
    return bool(current_app.config.get("OUTBOX_ALLOW_LOCAL_WEBHOOKS"))


def _page(team: Team, form: WorkGroupForm, status: int = 200, **shown):
    return render_page("notices/work_group.html", "work_group_panel", status=status, team=team, form=form,
                       current=masked(team.webhook_url), **shown)


@bp.route("/teams/<int:team_id>/work-group", methods=["GET", "POST"])
@login_required
def work_group(team_id: int):
    team = db.get_or_404(Team, team_id)
    require(current_actor().can_manage_team(team))
    form = WorkGroupForm(allow_local=_allow_local())
    if not form.validate_on_submit():
        return _page(team, form, 422 if form.is_submitted() else 200)
    try:
        set_team_webhook(current_actor(), team, form.webhook_url.data, utcnow(), _allow_local())
    except Refused as refusal:
        return answer_refusal(refusal, lambda status: _page(team, form, status), form=form, field="webhook_url")
    db.session.commit()
    return after_post(url_for(".work_group", team_id=team.id), "notices/work_group.html", "work_group_panel",
                      "已保存：新活动、取消、变更和公告会发到工作群", team=team,
                      form=WorkGroupForm(formdata=None), current=masked(team.webhook_url))


@bp.post("/teams/<int:team_id>/work-group/remove")
@login_required
def remove_work_group(team_id: int):
    team = db.get_or_404(Team, team_id)
    require(current_actor().can_manage_team(team))
    if not confirmed():
        return ask_to_confirm(f"删除{team.name}的工作群机器人？", "删除后新活动、取消、变更和公告不再自动发到工作群；"
                              "还没发出的也不再发送。", "确定删除", url_for(".work_group", team_id=team.id))
    set_team_webhook(current_actor(), team, None, utcnow())
    db.session.commit()
    return after_post(url_for(".work_group", team_id=team.id), "notices/work_group.html", "work_group_panel",
                      "已删除工作群机器人", team=team, form=WorkGroupForm(formdata=None), current="")
