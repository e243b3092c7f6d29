"""Subscribe pages: the links, a QR code and short steps per calendar app; reset and revoke.

A secret link is shown once, on the answer to the POST that made it: only its hash is kept,
so it cannot be shown again later (nor come back through a redirect). Lost it? Reset it.
"""
from __future__ import annotations

from flask import abort, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..accounts import profile
from ..accounts.models import User, is_current_person
from ..communities.models import Community
from ..extensions import db
from ..phones import normalise_phone
from ..teams.models import Team
from ..timeutil import utcnow
from ..web.auth import current_actor, require
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import after_post, render_page
from ..web.qr import qr_svg
from . import tokens
from .blueprint import bp, may_have_team_feed, subscribe_links
from .models import KIND_PERSONAL, KIND_TEAM

REMINDERS = {"": "不提醒", "60": "提前1小时", "1440": "提前1天"}
TEMPLATE = "calendar/subscribe.html"


def _with_qr(links: dict[str, str]) -> dict:
    return {**links, "qr": qr_svg(links["webcal"], 4)}


def _active_links(kind: str, team: Team | None) -> list:
    return [t for t in tokens.active(current_user.id) if t.kind == kind and t.team_id == (team.id if team else None)]


def _ask_before_replacing(kind: str, team: Team | None, back_url: str):
    """A confirmation when a working link would stop (None when there is none to lose, or confirmed)."""
    if confirmed() or not _active_links(kind, team):
        return None
    return ask_to_confirm("重新生成订阅链接？",
                          "旧链接会马上停用：已经用它订阅的手机日历不再更新，要用新链接重新订阅一次。",
                          "确定重新生成", back_url)


def _page(kind: str, team: Team | None = None, new_links: dict | None = None, message: str | None = None):
    mine = _active_links(kind, team)
    return render_page(TEMPLATE, "feed_link", kind=kind, team=team, active_since=mine[0].created_at if mine else None,
                       links=new_links, message=message, reminders=REMINDERS,
                       reminder=str(current_user.reminder_minutes or ""))


@bp.get("/subscribe")
@login_required
def subscribe_mine():
    return _page(KIND_PERSONAL)


@bp.post("/subscribe")
@login_required
def new_personal_link():
    asked = _ask_before_replacing(KIND_PERSONAL, None, url_for(".subscribe_mine"))
    if asked:
        return asked
    secret = tokens.issue(current_user.id, KIND_PERSONAL, utcnow())
    db.session.commit()
    return _page(KIND_PERSONAL, new_links=_with_qr(subscribe_links("calendar.personal_feed", secret=secret)),
                 message="新的订阅链接已生成，旧链接已停用")


def _led_team(team_id: int) -> Team:
    team = db.session.get(Team, team_id)
    if team is None or not may_have_team_feed(current_user, team):
        abort(404)
    return team


@bp.get("/subscribe/team-live/<int:team_id>")
@login_required
def subscribe_team(team_id: int):
    return _page(KIND_TEAM, _led_team(team_id))


@bp.post("/subscribe/team-live/<int:team_id>")
@login_required
def new_team_link(team_id: int):
    team = _led_team(team_id)
    asked = _ask_before_replacing(KIND_TEAM, team, url_for(".subscribe_team", team_id=team.id))
    if asked:
        return asked
    secret = tokens.issue(current_user.id, KIND_TEAM, utcnow(), team_id=team.id)
    db.session.commit()
    return _page(KIND_TEAM, team, new_links=_with_qr(subscribe_links("calendar.team_live_feed", secret=secret)),
                 message="新的订阅链接已生成，旧链接已停用")


@bp.post("/reminder")
@login_required
def set_reminder():
    choice = request.form.get("reminder", "")
    if choice not in REMINDERS:
        return _page(KIND_PERSONAL, message="请从列出的选项中选择"), 422
    profile.change_reminder(current_user, int(choice) if choice else None, utcnow())
    db.session.commit()
    return after_post(url_for(".subscribe_mine"), TEMPLATE, "feed_link", f"日历提醒：{REMINDERS[choice]}",
                      kind=KIND_PERSONAL, team=None, links=None, reminders=REMINDERS, reminder=choice,
                      active_since=next((t.created_at for t in tokens.active(current_user.id)
                                         if t.kind == KIND_PERSONAL), None))


@bp.get("/subscribe/<any(community, teams):scope>/<int:scope_id>")
def subscribe_public(scope: str, scope_id: int):
    """A public feed's subscribe page: nothing secret on it."""
    owner = db.get_or_404(Community if scope == "community" else Team, scope_id)
    endpoint = "calendar.community_feed" if scope == "community" else "calendar.team_feed"
    key = "community_id" if scope == "community" else "team_id"
    return render_page("calendar/public_subscribe.html", name=owner.name,
                       links=_with_qr(subscribe_links(endpoint, **{key: owner.id})))


@bp.get("/links")
@login_required
def manage_links():
    """Staff find a person by phone and stop their calendar links (a lost phone, a leak)."""
    require(current_actor().is_staff, 404)
    phone = normalise_phone(request.args.get("phone", ""))[:20]
    person = _person_of_community(phone) if phone else None
    return render_page("calendar/links.html", "person", phone=phone, person=person,
                       active=tokens.active(person.id) if person else [])


def _person_of_community(phone: str) -> User | None:
    person = db.session.scalar(select(User).where(User.phone == phone, is_current_person()))
    return person if person is not None and person.community_id == current_actor().community_id else None


@bp.post("/links/<int:user_id>/revoke")
@login_required
def revoke_links(user_id: int):
    require(current_actor().is_staff, 404)
    person = db.session.get(User, user_id)
    if person is None or person.community_id != current_actor().community_id:
        abort(404)
    active = tokens.active(person.id)
    if not confirmed() and active:
        return ask_to_confirm(f"停用{person.name}的全部日历链接？",
                              f"{person.name}的{len(active)}个日历链接会马上停用，用它们订阅的手机日历不再更新；"
                              f"{person.name}可以自己重新生成。", "确定全部停用",
                              url_for(".manage_links", phone=person.phone))
    count = tokens.revoke(person.id, utcnow(), by_id=current_user.id)
    db.session.commit()
    return after_post(url_for(".manage_links", phone=person.phone), "calendar/links.html", "person",
                      f"已停用{person.name}的{count}个日历链接", phone=person.phone, person=person, active=[])
