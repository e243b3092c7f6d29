"""公告: the form (community, team, activity), the notice's page with its read count, the A4 print, 撤回."""
from __future__ import annotations

from flask import abort, url_for
from flask_login import login_required

from ..activities.models import Activity
from ..extensions import db
from ..messages import calls
from ..outbox.texts import notice_text
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, answer_refusal, render_page
from ..web.qr import qr_svg
from . import queries, services
from .blueprint import bp
from .forms import NoticeForm
from .models import Notice
from .services import Audience


@bp.route("/notices/new", methods=["GET", "POST"])
@login_required
def new_community_notice():
    """Staff: a notice to every resident of their community, shown on the home page."""
    actor = current_actor()
    require(actor.is_staff)
    return _notice_form(Audience.of_community(actor.community_id), url_for("activities.index"))


@bp.route("/teams/<int:team_id>/notices/new", methods=["GET", "POST"])
@login_required
def new_team_notice(team_id: int):
    team = db.get_or_404(Team, team_id)
    return _notice_form(Audience.of_team(team), url_for("teams.detail", team_id=team.id))


@bp.route("/activities/<int:activity_id>/notices/new", methods=["GET", "POST"])
@login_required
def new_activity_notice(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    return _notice_form(Audience.of_activity(activity), url_for("activities.detail", activity_id=activity.id))


def _notice_form(audience: Audience, back_url: str):
    actor = current_actor()
    require(services.may_post(actor, audience))
    form = NoticeForm()
    if form.validate_on_submit():
        try:
            notice = services.post(actor, audience, form.title.data, form.body.data, form.expires_on.data,
                                   form.pinned.data, utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _form_page(form, audience, back_url, status), form=form,
                                  field="title")
        db.session.commit()
        return after_post(url_for(".detail", notice_id=notice.id), "notices/detail.html", "content",
                          f"公告已发出，共{notice.recipients}人", **_detail_context(notice))
    return _form_page(form, audience, back_url, 422 if form.is_submitted() else 200)


def _form_page(form: NoticeForm, audience: Audience, back_url: str, status: int):
    return render_page("notices/form.html", status=status, form=form, audience=audience, back_url=back_url)


def _readable(notice_id: int) -> Notice:
    """The notice, if this person may read it (services.may_read); others learn nothing of it (404)."""
    notice = db.get_or_404(Notice, notice_id)
    actor = current_actor()
    if not services.may_read(actor, notice, queries.is_for(actor.user_id, notice)):
        abort(404)
    return notice


def _detail_context(notice: Notice) -> dict:
    manages = services.may_manage(current_actor(), notice)
    return {"notice": notice, "manages": manages, "now": utcnow(),
            "readership": queries.readership(notice) if manages else None,
            "notice_group_text": notice_text(notice) if manages else "",
            # Those its inbox copy does not reach, to phone (team and activity notices only: services.post).
            "calls": calls.open_calls(calls.Subject.notice(notice.id)) if manages else []}


@bp.get("/notices/<int:notice_id>")
def detail(notice_id: int):
    notice = _readable(notice_id)
    return render_page("notices/detail.html", "content", **_detail_context(notice))


@bp.get("/notices/<int:notice_id>/print")
def printable(notice_id: int):
    """A4 for the stairwell boards: the notice in large type and a large QR code to its page."""
    notice = _readable(notice_id)
    link = url_for(".detail", notice_id=notice.id, _external=True)
    return render_page("notices/print.html", notice=notice, qr=qr_svg(link, scale=10), link=link)


@bp.post("/notices/<int:notice_id>/withdraw")
@login_required
def withdraw(notice_id: int):
    notice = db.get_or_404(Notice, notice_id)
    require(services.may_manage(current_actor(), notice))
    if not confirmed() and notice.withdrawn_at is None:
        return ask_to_confirm(f"撤回公告「{notice.title}」？",
                              "撤回后首页和队伍页不再显示这条公告，收到的人打开时会看到“已撤回”；"
                              "撤回后不能恢复，要再发只能重新发布。", "确定撤回",
                              url_for(".detail", notice_id=notice.id))
    services.withdraw(current_actor(), notice, utcnow())
    db.session.commit()
    return after_post(url_for(".detail", notice_id=notice.id), "notices/detail.html", "content", "公告已撤回",
                      **_detail_context(notice))


@bp.post("/notices/<int:notice_id>/calls/<int:call_id>/done")
@login_required
def call_done(notice_id: int, call_id: int):
    """已电话通知 on the notice's call list: those who manage the notice only (services.may_manage)."""
    notice = db.get_or_404(Notice, notice_id)
    require(services.may_manage(current_actor(), notice))
    subject = calls.Subject.notice(notice.id)
    if not calls.is_on(subject, call_id):
        abort(404)
    try:
        calls.mark_called(current_actor(), subject, call_id, utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda **shown: render_page("notices/detail.html", "content", **shown,
                                                                   **_detail_context(notice)))
    db.session.commit()
    return after_post(url_for(".detail", notice_id=notice.id), "notices/detail.html", "content", "已记下电话通知",
                      **_detail_context(notice))
