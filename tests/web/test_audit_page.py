"""操作记录 (/audit): whose rows each person reads, 50 a page, filtered by person and kind."""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest

from shequ_volunteer.audit import models as audit
from shequ_volunteer.audit.models import AuditEntry
from shequ_volunteer.communities.models import Street
from shequ_volunteer.extensions import db
from tests import factories as f

from .helpers import HX, text

START = datetime(2026, 11, 1, 1, 0)


def entry(community, actor, kind: str, summary: str, minutes: int) -> AuditEntry:
    """A row as `audit.services.record` writes it, at a chosen moment (START + minutes)."""
    row = AuditEntry(at=START + timedelta(minutes=minutes), actor_id=actor.id,
                     community_id=community.id, street_id=community.street_id, kind=kind, target_type="teams",
                     target_id=1, summary=summary)
    db.session.add(row)
    return row


@pytest.fixture
def w(app):
    east, west = Street(name="东湖街道"), Street(name="西湖街道")
    db.session.add_all([east, west])
    db.session.commit()
    home, elsewhere, next_door = f.community("幸福里社区"), f.community("光明社区"), f.community("和平社区")
    home.street_id = next_door.street_id = east.id
    elsewhere.street_id = west.id
    db.session.commit()
    staff, colleague, foreign_staff = f.staff(home, "王芳"), f.staff(home, "陈静"), f.staff(elsewhere, "外社工")
    leader, resident = f.user(home, "李队长"), f.user(home, "张秀英")
    viewer = f.user(home, "刘科长", role="viewer")
    f.member(f.team(home), leader, leader=True)
    entry(home, staff, audit.LEADER_APPOINTED, "队伍：幸福里一号", 1)
    entry(home, colleague, audit.ACTIVITY_CANCELLED, "「幸福里活动」", 2)
    entry(elsewhere, foreign_staff, audit.LEADER_APPOINTED, "队伍：光明二号", 3)
    entry(next_door, f.staff(next_door, "和平社工"), audit.HOURS_APPROVED, "和平补录", 4)
    db.session.commit()
    return SimpleNamespace(east=east, west=west, home=home, elsewhere=elsewhere, staff=staff, colleague=colleague,
                           foreign_staff=foreign_staff, leader=leader, resident=resident, viewer=viewer)


def test_anonymous_is_sent_to_log_in(app, w):
    response = app.test_client().get("/audit")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    response = app.test_client().get("/audit", headers=HX)
    assert response.status_code == 401 and "/login" in response.headers["HX-Redirect"]


@pytest.mark.parametrize("who", ["resident", "leader", "viewer"])
def test_people_who_are_not_staff_find_nothing(app, w, who):
    assert f.logged_in(app, getattr(w, who)).get("/audit").status_code == 404


def test_staff_read_their_own_communitys_rows_only(app, w):
    body = text(f.logged_in(app, w.staff).get("/audit"))
    assert "幸福里一号" in body and "幸福里活动" in body and "王芳" in body and "陈静" in body
    assert "光明二号" not in body and "外社工" not in body and "和平补录" not in body
    body = text(f.logged_in(app, w.foreign_staff).get("/audit"))
    assert "光明二号" in body and "幸福里" not in body.replace("幸福里社区", "")


def test_staff_find_the_page_in_the_menu(app, w):
    assert 'href="/audit"' in text(f.logged_in(app, w.staff).get("/"))
    assert 'href="/audit"' not in text(f.logged_in(app, w.resident).get("/"))


def test_filters_by_person_and_by_kind(app, w):
    client = f.logged_in(app, w.staff)
    body = text(client.get(f"/audit?person={w.colleague.id}"))
    assert "幸福里活动" in body and "幸福里一号" not in body
    body = text(client.get(f"/audit?kind={audit.LEADER_APPOINTED}"))
    assert "幸福里一号" in body and "幸福里活动" not in body
    # Another community's person as a filter finds nothing of theirs.
    assert "光明二号" not in text(client.get(f"/audit?person={w.foreign_staff.id}"))
    # Nonsense in the query is ignored, never a 500.
    for query in ("person=abc", "kind=nonsense", "page=-3", "page=abc", "person=%00"):
        response = client.get(f"/audit?{query}")
        assert response.status_code == 200 and "幸福里一号" in text(response), query
    response = client.get("/audit?page=99999999999999999999")
    assert response.status_code == 200 and "没有符合条件的记录" in text(response)


def test_fifty_rows_a_page_newest_first(app, w):
    for n in range(120):
        entry(w.home, w.staff, audit.HOURS_APPROVED, f"第{n:03d}条", 10 + n)
    db.session.commit()
    client = f.logged_in(app, w.staff)
    first = text(client.get("/audit"))
    assert first.count('class="audit-entry"') == 50
    assert "第119条" in first and "第070条" in first and "第069条" not in first
    assert "下一页" in first and "上一页" not in first
    third = text(client.get("/audit?page=3"))
    assert third.count('class="audit-entry"') == 122 - 100  # 120 + the two older rows of the community
    assert "幸福里一号" in third and "下一页" not in third and "上一页" in third
    filtered = text(client.get(f"/audit?kind={audit.HOURS_APPROVED}&page=2"))
    assert "page=3" in filtered and f"kind={audit.HOURS_APPROVED}" in filtered  # paging keeps the filter


def test_htmx_gets_only_the_list(app, w):
    response = f.logged_in(app, w.staff).get(f"/audit?person={w.staff.id}", headers=HX)
    body = text(response)
    assert response.status_code == 200 and 'id="audit-entries"' in body and "<form" not in body
    assert "幸福里一号" in body and "幸福里活动" not in body
    assert "HX-Request" in response.headers["Vary"]


def test_the_filter_works_without_javascript(app, w):
    body = text(f.logged_in(app, w.staff).get("/audit"))
    assert 'method="get"' in body and 'type="submit"' in body and 'name="person"' in body and 'name="kind"' in body


def test_the_administrator_reads_every_community_of_their_street_and_no_other(app, w):
    body = text(f.logged_in(app, f.admin(w.east)).get("/audit"))
    assert "幸福里一号" in body and "幸福里活动" in body and "和平补录" in body
    assert "光明二号" not in body
    body = text(f.logged_in(app, f.admin(w.west, name="西湖管理员")).get("/audit"))
    assert "光明二号" in body and "幸福里一号" not in body and "和平补录" not in body


def test_an_administrator_without_a_street_yet_reads_only_their_own_rows(app, w):
    client = f.logged_in(app, f.admin())
    response = client.get("/audit")
    assert response.status_code == 200 and "没有符合条件的记录" in text(response)
    assert 'href="/audit"' in text(client.get("/"))
