"""Staff's people pages: the community's people (searchable), one person, and issuing a one-time code.

Everyone but staff gets 403; staff asking for another community's person (or a closed account) get 404.
"""
from __future__ import annotations

from flask import abort, current_app, request, url_for
from flask_login import login_required

from ..accounts.models import User
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, answer_refusal, render_page
from . import lifecycle, queries, services
from .blueprint import bp
from .forms import DeactivateForm, IssueCodeForm, SearchForm
from .lifecycle import DEACTIVATION_REASONS


def _staff():
    actor = current_actor()
    require(actor.is_staff)
    return actor


def _person(user_id: int) -> User:
    """A current or stopped person of the staff member's own community, else 404."""
    actor = _staff()
    person = db.get_or_404(User, user_id)
    if person.community_id != actor.community_id or person.closed_at is not None:
        abort(404)
    return person


@bp.get("/people")
@login_required
def index():
    """50 a page, by name; htmx swaps only the list while the search box is typed in."""
    actor = _staff()
    form = SearchForm(request.args)
    valid = form.validate()
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), queries.MAX_PAGE)
    people = (queries.people_of(actor.community_id, form.q.data or "", page) if valid
              else queries.PeoplePage([], 1, False))
    return render_page("people/index.html", "people", status=200 if valid else 422, form=form, people=people,
                       q=form.q.data if valid else "", account_state=queries.account_state,
                       state_labels=queries.ACCOUNT_STATE_LABELS)


def _person_context(person: User, **extra) -> dict:
    return {"person": person, "teams": queries.teams_of(person.id), "state": queries.account_state(person),
            "state_labels": queries.ACCOUNT_STATE_LABELS, "issue_form": IssueCodeForm(),
            "deactivate_form": DeactivateForm(formdata=None), "reasons": DEACTIVATION_REASONS, **extra}


@bp.get("/people/<int:user_id>")
@login_required
def detail(user_id: int):
    return render_page("people/detail.html", **_person_context(_person(user_id)))


@bp.post("/people/<int:user_id>/code/<any(open, reset):purpose>")
@login_required
def issue_code(user_id: int, purpose: str):
    """开通账号 / 重设密码: the code is shown once, on a printable slip (this very answer; it is kept nowhere)."""
    person = _person(user_id)
    form = IssueCodeForm()
    form.validate_on_submit()  # a checkbox: nothing to refuse (CSRF is checked before any view)
    try:
        issued = services.issue_code(current_actor(), person, purpose, form.stop_calendar.data, utcnow(),
                                     current_app.config["SECRET_KEY"])
    except Refused as refusal:
        return answer_refusal(refusal, lambda status, **shown: render_page(
            "people/detail.html", status=status, **_person_context(person, **shown)))
    db.session.commit()
    response = render_page("people/slip.html", person=person, issued=issued)
    response.headers["Cache-Control"] = "no-store"  # the code must not outlive this page in a cache
    return response


@bp.post("/people/<int:user_id>/deactivate")
@login_required
def deactivate(user_id: int):
    """停用账号: the reason is chosen, the consequence confirmed; then the person is out everywhere at once."""
    person = _person(user_id)
    form = DeactivateForm()
    if not form.validate_on_submit():
        return render_page("people/detail.html", status=422, **_person_context(person, deactivate_form=form))
    if not confirmed():
        return ask_to_confirm(f"停用{person.name}的账号？",
                              f"原因：{DEACTIVATION_REASONS[form.reason.data]}。停用后他不能登录，已登录的手机立即退出，"
                              "日历订阅链接失效，不再出现在队员名单和搜索里，还没开始的活动名额会让出；过去的服务记录保留。"
                              "以后可以恢复。", "确定停用", url_for(".detail", user_id=person.id))
    return _account_change(person, lambda actor, now: lifecycle.deactivate(actor, person, form.reason.data, now),
                           "账号已停用")


@bp.post("/people/<int:user_id>/reactivate")
@login_required
def reactivate(user_id: int):
    """恢复账号: not destructive, so one tap; they log in again themselves."""
    person = _person(user_id)
    return _account_change(person, lambda actor, now: lifecycle.reactivate(actor, person, now), "账号已恢复")


def _account_change(person: User, change, done: str):
    try:
        change(current_actor(), utcnow())
    except Refused as refusal:
        return answer_refusal(refusal, lambda status, **shown: render_page(
            "people/detail.html", status=status, **_person_context(person, **shown)))
    db.session.commit()
    return after_post(url_for(".detail", user_id=person.id), "people/detail.html", "content", done,
                      **_person_context(person))
