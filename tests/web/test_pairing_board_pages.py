"""The board lists 50 rows a page; its counts and the list titles stay whole."""
import re

from shequ_volunteer.communities.models import Community
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.perf.test_pairing_query_counts import build

from .helpers import HX, text


def test_board_pages_keep_the_counts_whole(app):
    world = build(120)
    client = f.logged_in(app, world["staff"])
    pages = [text(client.get(f"/board?page={number}", headers=HX)) for number in (1, 2, 3)]
    rows = [len(re.findall(r'<li class="board-row', body)) for body in pages]
    assert rows == [50, 50, 20]
    assert all("全部结对（120户）" in body and "第 " in body for body in pages)
    ids = [set(re.findall(r'data-household="(\d+)"', body)) for body in pages]
    assert not (ids[0] & ids[1]) and len(ids[0] | ids[1] | ids[2]) == 120  # every household once
    counts = [re.findall(r'<span class="count-number">(\d+)</span>', body) for body in pages]
    assert counts[0] == counts[1] == counts[2]
    beyond = text(client.get("/board?page=99", headers=HX))
    assert len(re.findall(r'<li class="board-row', beyond)) == 20  # past the end: the last page
    assert client.get("/board?page=abc").status_code == 200


def test_the_helper_filter_is_a_typed_name_that_works_without_javascript(app):
    """A community has ~1,400 helpers: staff type part of a name (a plain GET, or htmx on change / Enter) rather
    than scroll a list of every one, and the page no longer lists them."""
    world = build(60)  # every household helped by 王志愿
    staff = world["staff"]
    home = db.session.get(Community, staff.community_id)
    f.paired_household(home, staff, helpers=[f.user(home, "赵秀英")], head_name="赵家")
    client = f.logged_in(app, staff)
    page = text(client.get("/board"))
    assert 'type="search" name="helper_name"' in page and '<select name="helper"' not in page
    assert "王志愿" in page  # on the rows, as before
    named = text(client.get("/board?helper_name=%E7%A7%80%E8%8B%B1"))  # 秀英, as a browser sends it without JS
    assert re.findall(r'class="board-name"[^>]*>([^<]+)<', named) == ["赵家"]
    assert 'name="helper_name" value="秀英"' in named and "全部结对（1户）" in named
    fragment = text(client.get("/board?helper_name=%E7%8E%8B&page=2", headers=HX))  # 王, second page
    assert "全部结对（60户）" in fragment and 'name="helper_name"' not in fragment  # the filter form stays put
    assert "赵家" not in fragment and "helper_name=%E7%8E%8B" in fragment  # the pager and counts keep the name
    assert "全部结对（0户）" in text(client.get("/board?helper_name=%25", headers=HX))  # taken literally
    assert "全部结对（61户）" in text(client.get("/board?helper_name=+", headers=HX))  # blank: every row


def test_a_leader_who_helps_sees_their_own_households_on_the_board_too(app):
    """A leader's board: the team's pairings and the households they help themselves (also shown on 我的结对), so
    逾期 on the board counts their own overdue household; nobody else's."""
    from datetime import timedelta

    from shequ_volunteer.timeutil import utcnow

    home = f.community()
    staff = f.staff(home)
    team, other_team = f.team(home), f.team(home, "巡逻队")
    leader, neighbour = f.user(home, "李队长"), f.user(home, "王志愿")
    f.member(team, leader, leader=True)
    since = f.beijing_today() - timedelta(days=200)
    f.paired_household(home, staff, team_obj=team, since=since, head_name="队里的冯奶奶",
                       last_visit=utcnow() - timedelta(days=1), tier="general")
    f.paired_household(home, staff, helpers=[leader], since=since, head_name="自己帮扶的郑大爷", tier="high")
    f.paired_household(home, staff, helpers=[neighbour], team_obj=other_team, since=since, head_name="别人的吴奶奶")
    db.session.commit()
    page = text(f.logged_in(app, leader).get("/board"))
    names = re.findall(r'class="board-name"[^>]*>([^<]+)<', page)
    assert sorted(names) == sorted(["队里的冯奶奶", "自己帮扶的郑大爷"])
    assert re.search(r'id="count-overdue"[^>]*>\s*<span class="count-number">1<', page)
