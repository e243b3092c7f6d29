"""Appointing and removing by phone, shared by the administrator's pages and staff's own (/community/staff)."""
from __future__ import annotations

from ..accounts.models import ROLE_STAFF
from ..communities.models import Community
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.auth import current_actor
from ..web.confirm import ask_to_confirm, confirmed
from ..web.htmx import answer_refusal
from . import services
from .forms import PersonPhoneForm


def holder(role: str, phone: str, street_id: int | None, community: Community | None = None):
    """Who a removal would demote, when the phone names someone holding that role: they are asked about;
    anything else goes straight to the service, which says why not."""
    person = services.resident_by_phone(street_id, phone, community)
    return person if person is not None and person.role == role else None


def change_staff(community: Community, change: str, back_url: str, show_form, done):
    """任命 / 免去 a community's staff by phone, by its administrator or its own staff: the removal of
    someone holding the role is asked about first; the service decides who may and says why not."""
    actor = current_actor()
    form = PersonPhoneForm()
    if not form.validate_on_submit():
        return show_form(form, 422)
    if change == "remove" and not confirmed():
        person = holder(ROLE_STAFF, form.phone.data, community.street_id, community)
        if person is not None:
            return ask_to_confirm(f"免去{person.name}的社区工作人员？",
                                  f"对方将不能再管理{community.name}的队伍、帮扶对象和统计，成为普通居民。", "确定免去",
                                  back_url)
    try:
        services.set_role(actor, ROLE_STAFF, change == "add", form.phone.data, utcnow(), community=community)
    except Refused as refusal:
        return answer_refusal(refusal, lambda status, **extra: show_form(form, status, **extra), form=form)
    db.session.commit()
    return done("已任命社区工作人员" if change == "add" else "已免去社区工作人员")
