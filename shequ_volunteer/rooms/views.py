"""Staff define rooms; staff and leaders see a week of bookings."""
from __future__ import annotations

from datetime import date, timedelta

from flask import Blueprint, request, url_for
from flask_login import login_required

from ..extensions import db
from ..timeutil import local_today, utcnow
from ..web.auth import current_actor, require
from ..web.htmx import after_post, render_page
from . import queries
from .forms import RoomForm
from .models import Room

bp = Blueprint("rooms", __name__, url_prefix="/rooms")


def _week_start(text: str | None) -> date:
    try:
        day = date.fromisoformat(text) if text else local_today(utcnow())
    except ValueError:
        day = local_today(utcnow())
    day = min(max(day, date(2000, 1, 3)), date(2099, 12, 21))
    return day - timedelta(days=day.weekday())


@bp.get("")
@login_required
def week():
    """Every room of the community for one week (staff and team leaders)."""
    actor = current_actor()
    require(actor.is_staff_or_leader)
    return render_page("rooms/week.html", "week",
                       **_week_context(RoomForm(formdata=None), _week_start(request.args.get("week"))))


@bp.post("")
@login_required
def create():
    require(current_actor().is_staff)
    form = RoomForm()
    if form.validate_on_submit():
        db.session.add(Room(community_id=current_actor().community_id, name=form.name.data,
                            capacity=form.capacity.data, equipment=form.equipment.data or ""))
        db.session.commit()
        return after_post(url_for(".week"), "rooms/week.html", "content", f"已添加场地：{form.name.data}",
                          **_week_context(RoomForm(formdata=None), _week_start(None)))
    return render_page("rooms/week.html", status=422, **_week_context(form, _week_start(None)))


def _week_context(form: RoomForm, monday: date) -> dict:
    """The rooms, their bookings by day, and the add-a-room form."""
    rooms, cells = queries.week(current_actor().community_id, monday)
    return {"rooms": rooms, "cells": cells, "days": [monday + timedelta(days=i) for i in range(7)],
            "monday": monday, "form": form, "timedelta": timedelta}
