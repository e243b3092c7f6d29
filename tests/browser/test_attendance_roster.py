"""The leader's attendance page on a small phone: a refusal shows in the row tapped, with and without JavaScript;
at the larger text size nothing scrolls sideways and no button or code is broken over lines."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.hours.rules import HOURS_WANTED
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser

NAMES = ("王秀英", "欧阳建国", "司马秀兰", "赵大爷", "钱阿姨", "孙师傅", "周奶奶", "吴大伯")

# How many lines each element's text takes (one box per line it wraps to), its height, and the height it would have
# with one line: a two-character button broken "出/席" is two lines, a line higher than that.
LINES = """
selector => [...document.querySelectorAll(selector)].map(el => {
  const range = document.createRange();
  range.selectNodeContents(el);
  const boxes = [...range.getClientRects()].filter(r => r.width > 0);
  const style = getComputedStyle(el);
  const line = parseFloat(style.lineHeight) || Math.max(...boxes.map(r => r.height));  // "normal" on buttons
  const frame = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
    .reduce((sum, side) => sum + parseFloat(style[side]), 0);
  return {text: el.textContent.trim(), lines: new Set(boxes.map(r => Math.round(r.top))).size,
          height: el.getBoundingClientRect().height, line,
          one_line: Math.max(parseFloat(style.minHeight) || 0, line + frame)};
})
"""


def roster_world(starts_in: timedelta):
    """李建国 leads the team; eight people signed up, 吴大伯 last (far down the roster)."""
    home = f.community()
    team = f.team(home)
    leader = f.user(home, "李建国")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="便民义剪", starts_in=starts_in)
    people = [f.user(home, name) for name in NAMES]
    for person in people:
        f.signup(activity, person)
    db.session.commit()
    return team, leader, activity, people[-1]


def assert_on_one_line(page, selector: str, what: str) -> None:
    found = page.evaluate(LINES, selector)
    assert found, f"{what}: nothing matches {selector}"
    broken = [item for item in found if item["lines"] != 1 or item["height"] > item["one_line"] + item["line"] / 2]
    assert not broken, f"{what}: text broken over lines: {broken}"


@pytest.mark.parametrize("larger_text", [False, True], ids=["standard text", "larger text"])
def test_the_roster_and_the_activity_form_fit_a_small_phone(app, new_context, larger_text):
    team, leader, activity, _last = roster_world(timedelta(minutes=20))
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, leader)
    if larger_text:
        page.get_by_role("button", name="放大字号").click()
        expect(page.get_by_role("button", name="标准字号")).to_be_visible()
        assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 22
    what = "larger text" if larger_text else "standard text"

    page.goto(f"/activities/{activity.id}/attendance")
    expect(page.locator(".application")).to_have_count(len(NAMES))
    check_layout(page, f"attendance page, {what}")
    assert_on_one_line(page, "#attendance-roster button", f"the roster's buttons, {what}")
    assert_on_one_line(page, ".checkin-code .code", f"the check-in code, {what}")

    page.goto(f"/teams/{team.id}/activities/new")
    page.get_by_text("重复（每周、每月、农历节日）").click()
    expect(page.get_by_label("重复", exact=True)).to_be_visible()
    check_layout(page, f"new activity form, {what}")


def test_too_many_hours_are_said_by_that_persons_box_with_htmx(app, new_context):
    _team, leader, activity, last = roster_world(timedelta(days=-1))
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, leader)
    page.goto(f"/activities/{activity.id}/attendance")
    row = page.locator(".application", has_text=last.name)
    box = row.get_by_label("服务时长（小时）")
    set_marker(page)
    box.fill("500")
    row.get_by_role("button", name="更正").click()
    expect(row.locator(f"#{box.get_attribute('id')}-msg")).to_have_text(HOURS_WANTED)
    expect(row.get_by_label("服务时长（小时）")).to_have_value("500")
    expect(row.get_by_label("服务时长（小时）")).to_be_in_viewport()
    expect(page.get_by_text(HOURS_WANTED)).to_have_count(1)
    assert_no_page_load(page)

    row.get_by_label("服务时长（小时）").fill("1.5")
    row.get_by_role("button", name="更正").click()
    expect(row.get_by_role("status")).to_have_text("时长已改为1小时30分钟")
    assert_no_page_load(page)
    fresh_session()
    assert db.session.scalar(select(HoursEntry.minutes)) == 90


def test_without_javascript_a_refusal_opens_at_the_row_and_its_address_reloads(app, new_context):
    _team, leader, activity, last = roster_world(timedelta(days=3))  # too early to mark anyone
    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, leader)
    page.goto(f"/activities/{activity.id}/attendance")
    row = page.locator(".application", has_text=last.name)

    row.get_by_label("服务时长（小时）").fill("500")
    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        row.get_by_role("button", name="更正").click()
    assert answered.value.status == 422
    expect(row.get_by_text(HOURS_WANTED)).to_be_in_viewport()
    expect(row.get_by_label("服务时长（小时）")).to_have_value("500")

    with page.expect_response(lambda r: r.request.method == "POST") as answered:
        row.get_by_role("button", name="出席").click()
    assert answered.value.status == 422
    expect(row.get_by_text("活动前一天起才能登记出勤")).to_be_in_viewport()

    # The address bar holds the POST's address: opening it again (a GET) is the roster, at that row.
    address = page.url.split("#")[0]
    assert address.endswith(f"/attendance/{row.get_attribute('id').removeprefix('signup-')}")
    page.goto(address)
    expect(page.get_by_role("heading", name="签到")).to_be_visible()
    assert page.url.endswith(f"/activities/{activity.id}/attendance#{row.get_attribute('id')}")
    expect(row).to_be_in_viewport()
    fresh_session()
    assert db.session.scalar(select(Signup.attendance).where(Signup.user_id == last.id)) is None
