"""A phone walk at 360 and 390 px over the screens issue 10 found wanting: every text 18 px or more, every
link and control 44 px high and wide, no sideways scrolling, no names broken a character a line, days
written as 12月5日 周六, and 放大字号 within reach at the top of the page."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shequ_volunteer.accounts.models import ROLE_VIEWER
from shequ_volunteer.communities.models import Street
from shequ_volunteer.extensions import db
from shequ_volunteer.rooms.models import Room
from tests import factories as f
from tests.browser.helpers import log_in
from tests.browser.test_layout import PHONES, phone_problems
from tests.browser.test_pairing_layout import world as pairing_world

pytestmark = pytest.mark.browser

STREET_COMMUNITY = "东湖街道光明社区（含原红旗社区）"


def walk_world() -> dict:
    """test_pairing_layout's community, with a team leader and an activity, a room, and a 街道 of two
    communities for its viewer."""
    staff, helper, household = pairing_world()
    home = staff.community
    team = f.team(home, name="党员先锋志愿服务队", kind="party")
    leader = f.user(home, "李建国")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="楼道清理", capacity=30, starts_in=timedelta(days=3))
    db.session.add(Room(community_id=home.id, name="多功能厅", capacity=60, equipment="投影仪、音响"))
    street = Street(name="东湖街道")
    db.session.add(street)
    db.session.flush()
    other = f.community(STREET_COMMUNITY)
    home.street_id = other.street_id = street.id
    viewer = f.user(home, "刘科长", role=ROLE_VIEWER)
    db.session.commit()
    return {"staff": staff, "helper": helper, "leader": leader, "viewer": viewer, "household": household,
            "team": team, "activity": activity}


SCREENS = [  # (who, url, what); None: signed out
    (None, "/", "home page, signed out"),
    (None, "/register", "register"),
    ("leader", "/", "home page, signed in"),
    ("leader", "/activities/{activity}", "activity page, organiser (打印海报, 打印报名表)"),
    ("leader", "/activities/{activity}/edit", "activity edit"),
    ("leader", "/teams/{team}", "team page, leader (修改队伍信息)"),
    ("staff", "/rooms", "room week"),
    ("staff", "/reports", "统计"),
    ("staff", "/households/{household}/access-log", "access log"),
    ("staff", "/follow-ups", "待跟进"),
    ("staff", "/households/{household}/visits/new", "visit form"),
    ("staff", "/board", "pairing board"),
    ("staff", "/imports", "导入 (upload form, templates, limits)"),
    ("viewer", "/reports/street", "街道统计"),
    (None, "/calendar/subscribe/community/{community}", "community subscribe page"),
]


@pytest.mark.parametrize("width", sorted(PHONES))
def test_phone_walk(app, new_context, width):
    people = walk_world()
    ids = {key: people[key].id for key in ("activity", "team", "household")}
    ids["community"] = people["team"].community_id
    pages = {}
    problems = []
    for who, url, what in SCREENS:
        if who not in pages:
            pages[who] = new_context(**PHONES[width]).new_page()
            if who:
                log_in(pages[who], people[who])
        page = pages[who]
        page.goto(url.format(**ids))
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
        problems += phone_problems(page, what)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", sorted(PHONES))
def test_larger_text_is_within_reach_at_the_top(app, new_context, width):
    f.activity(f.team(f.community()), title="周末清洁家园")
    page = new_context(**PHONES[width]).new_page()
    page.goto("/")
    button = page.get_by_role("button", name="放大字号")
    box = button.bounding_box()
    assert box["y"] + box["height"] <= page.viewport_size["height"] / 2, f"放大字号 is at {box['y']} px"
    assert box["height"] >= 44 and box["width"] >= 44
    button.click()
    expect(page.get_by_role("button", name="标准字号")).to_be_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22


def test_the_board_writes_days_like_the_rest_of_the_site(app, new_context):
    people = walk_world()
    page = new_context(**PHONES[360]).new_page()
    log_in(page, people["staff"])
    page.goto("/board")
    rows = page.locator("li.board-row")
    expect(rows.first).to_be_visible()
    shown = page.locator("main").inner_text()
    assert not re.search(r"\d{4}-\d{2}-\d{2}", shown), shown
    expect(rows.first).to_contain_text(re.compile(r"\d{1,2}月\d{1,2}日 周[一二三四五六日]"))


def test_the_street_report_names_each_community_whole_at_360_px(app, new_context):
    people = walk_world()
    page = new_context(**PHONES[360]).new_page()
    log_in(page, people["viewer"])
    page.goto("/reports/street")
    name = page.get_by_text(STREET_COMMUNITY, exact=True)
    expect(name).to_be_visible()
    box = name.bounding_box()
    assert box["width"] >= 200, f"the name is squeezed to {box['width']} px"
    # Every figure readable, none cut off. At 360 px the table is a card per community, each figure's name drawn
    # beside its value from data-label (the header row is for screen readers only), so the cells are measured.
    for figure in ("活动场次", "服务时长", "探访及时"):
        cell = page.locator(f'main td[data-label^="{figure}"]').first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, f"{figure}: {box}"
        line = cell.evaluate("td => parseFloat(getComputedStyle(td).lineHeight)")
        assert box["height"] < 1.9 * line, f"{figure}: its name and value take more than one line ({box})"
        assert cell.evaluate("td => td.scrollWidth <= td.clientWidth"), f"{figure}: cut off"
