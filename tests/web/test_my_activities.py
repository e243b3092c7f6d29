"""我的活动: a cancelled activity has its own state with the day it was cancelled, never under 将要参加."""
from __future__ import annotations

import ast
from datetime import datetime, timedelta
from pathlib import Path

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.extensions import db
from tests import factories as f

from .helpers import text

UPCOMING, CANCELLED, PAST = "<h2>将要参加</h2>", "<h2>已取消的活动</h2>", "<h2>参加过的</h2>"


def section(body: str, heading: str) -> str:
    """The part of the page under `heading`, up to the next heading."""
    assert heading in body, heading
    rest = body.split(heading, 1)[1]
    return rest.split("<h2>", 1)[0]


def test_cancelled_activity_has_its_own_state_with_the_day_it_was_cancelled(app):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="张秀英")
    coming = f.activity(team, title="周末清洁家园", starts_in=timedelta(days=2))
    cancelled = f.activity(team, title="楼道清理", starts_in=timedelta(days=5))
    done = f.activity(team, title="重阳敬老", starts_in=timedelta(days=-3))
    for activity in (coming, cancelled, done):
        f.signup(activity, resident)
    # 17:30 UTC on 2 December is already 3 December in Beijing.
    services.cancel_activity(actor_for(resident), cancelled, datetime(2026, 12, 2, 17, 30))
    db.session.commit()

    client = f.logged_in(app, resident)
    body = text(client.get("/me/activities"))
    upcoming, gone, past = section(body, UPCOMING), section(body, CANCELLED), section(body, PAST)
    assert "周末清洁家园" in upcoming and "已报名" in upcoming
    assert "楼道清理" not in upcoming  # not counted as something to go to
    assert "楼道清理" in gone and "已取消（12月3日）" in gone
    assert "已报名" not in gone
    assert "重阳敬老" in past and "楼道清理" not in past


def test_my_activities_belongs_to_the_activities_package(app):
    """accounts must not import activities (the arrow points the other way); the URL stays."""
    for path in Path("shequ_volunteer/accounts").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert not any("activities" in name for name in imported), path
    assert app.url_map.bind("shequ.test").match("/me/activities") == ("activities.mine", {})
