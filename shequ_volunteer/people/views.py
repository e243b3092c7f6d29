"""Staff's people pages: the community's people (searchable), one person, and issuing a one-time code.

Everyone but staff gets 403; staff asking for another community's person (or a closed account) get 404.
"""
from __future__ import annotations

from flask import abort, current_app, request
from flask_login import login_required

from ..accounts.models import User
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.htmx import answer_refusal, render_page
from . import queries, services
from .blueprint import bp
from .forms import IssueCodeForm, SearchForm


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
            "state_labels": queries.ACCOUNT_STATE_LABELS, "issue_form": IssueCodeForm(), **extra}


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
