"""At 360 px wide (a small Android phone): no sideways scrolling, large text, large tap targets."""
import pytest
from playwright.sync_api import expect

from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import log_in

pytestmark = pytest.mark.browser

SMALL_PHONE = {"viewport": {"width": 360, "height": 740}}
PHONES = {360: SMALL_PHONE, 390: {"viewport": {"width": 390, "height": 844}}}  # a small Android, a common phone
LONG_TITLE = "社区义诊暨健康知识讲座——高血压、糖尿病慢病管理与合理用药科普宣传（第二期）"
LONG_PLACE = "幸福里社区党群服务中心二楼多功能厅Room-A-2024-health-lecture-hall"

# Everything a finger taps: buttons, things styled as buttons, menu links, the calendar toggle.
TAP_TARGETS = """
() => [...document.querySelectorAll('button, .button, nav a, input[type=submit], summary')]
  .filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true});
  })
  .map(el => ({text: el.textContent.trim(), height: el.getBoundingClientRect().height}))
"""


def check_layout(page, what: str) -> None:
    page.wait_for_load_state()  # a page still arriving has no document to measure
    width, screen = page.evaluate("document.documentElement.scrollWidth"), page.viewport_size["width"]
    assert width <= screen, f"{what}: the page scrolls sideways ({width} px wide on a {screen} px screen)"
    font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_size >= 18, f"{what}: body text is {font_size}px"
    targets = page.evaluate(TAP_TARGETS)
    assert targets, f"{what}: found nothing to tap"
    small = [t for t in targets if t["height"] < 44]
    assert not small, f"{what}: tap targets under 44 px high: {small}"


# Every element with its own visible text (not only body's font size).
SMALL_TEXT = """
() => [...document.querySelectorAll('body *')]
  .filter(el => [...el.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))
  .filter(el => el.checkVisibility({visibilityProperty: true}) && !el.closest('svg'))
  .map(el => ({tag: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
               text: el.textContent.trim().slice(0, 20), size: parseFloat(getComputedStyle(el).fontSize)}))
  .filter(t => t.size < 18)
"""

# Every link and button a finger taps, with its size: a name link two characters long is too narrow too.
NARROW_TARGETS = """
() => [...document.querySelectorAll('a, button, summary')]
  .filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true});
  })
  .map(el => ({text: el.textContent.trim().slice(0, 20), width: Math.round(el.getBoundingClientRect().width),
               height: Math.round(el.getBoundingClientRect().height * 10) / 10}))
  .filter(t => t.width < 44)
"""

# Words broken one or two characters to a line: a table squeezed into a narrow screen.
BROKEN_WORDS = """
() => [...document.querySelectorAll('main td, main th, main li, main p, main dd, main h2, main h3')]
  .filter(el => el.checkVisibility({visibilityProperty: true}) && el.textContent.trim().length >= 4)
  .filter(el => {  // text kept only for screen readers (a 1 px box) is not read on the screen
    for (let node = el; node; node = node.parentElement) {
      const box = node.getBoundingClientRect();
      if (box.width <= 1 || box.height <= 1) return false;
    }
    return true;
  })
  .filter(el => {
    const lineHeight = parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.6;
    const lines = Math.round(el.getBoundingClientRect().height / lineHeight);
    return lines >= 3 && el.textContent.trim().length / lines <= 2;
  })
  .map(el => el.textContent.trim().slice(0, 20))
"""


def phone_problems(page, what: str) -> list[str]:
    """Everything test_layout checks plus every text at 18 px or more, every link and control 44 px high
    (test_pairing_layout's wider set) and 44 px wide, and no word broken a character or two to a line;
    every problem collected, so one run names them all."""
    from tests.browser.test_pairing_layout import ALL_TAP_TARGETS

    what = f"{what} at {page.viewport_size['width']} px"
    problems = []
    try:
        check_layout(page, what)
    except AssertionError as error:
        problems.append(str(error).splitlines()[0])
    for script, finding in [(SMALL_TEXT, "text under 18 px"), (NARROW_TARGETS, "tap targets under 44 px wide"),
                            (BROKEN_WORDS, "words broken one or two characters a line")]:
        found = page.evaluate(script)
        if found:
            problems.append(f"{what}: {finding}: {found}")
    low = [target for target in page.evaluate(ALL_TAP_TARGETS) if target["height"] < 44]
    if low:
        problems.append(f"{what}: tap targets under 44 px high: {low}")
    return problems


def test_small_phone_layout(app, new_context):
    home = f.community()
    team = f.team(home, name="巾帼志愿服务队", kind="women")
    leader = f.user(home, name="欧阳建国")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title=LONG_TITLE, capacity=20)
    activity.place = LONG_PLACE
    db.session.commit()
    f.activity(team, title="周末清洁家园", capacity=None)
    page = new_context(**SMALL_PHONE).new_page()

    # Anonymous, then signed in (the menu and the footer change).
    page.goto("/")
    expect(page.locator("#activity-list")).to_contain_text("周末清洁家园")
    check_layout(page, "home page, signed out")

    log_in(page, leader)
    page.goto("/")
    expect(page.get_by_role("link", name="我的活动")).to_be_visible()
    check_layout(page, "home page, signed in")
    page.get_by_text("订阅社区活动日历").click()  # the long feed address unfolds
    expect(page.get_by_role("link", name="iPhone 一键订阅")).to_be_visible()
    check_layout(page, "home page, calendar links open")

    # The activity page, seen by its organiser: sign-up panel and the organiser's buttons.
    page.goto(f"/activities/{activity.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(LONG_TITLE)
    expect(page.get_by_role("button", name="我要报名")).to_be_visible()
    expect(page.get_by_role("button", name="取消这个活动")).to_be_visible()
    check_layout(page, "activity page")


def test_small_phone_layout_of_the_organiser_screens(app, new_context):
    from datetime import timedelta

    from shequ_volunteer.activities.models import Signup
    from shequ_volunteer.rooms.models import Room

    home = f.community()
    team = f.team(home, name="夕阳红老年志愿服务队", kind="elderly")
    staff = f.staff(home, name="欧阳社工")
    volunteer = f.user(home, name="司马秀英")
    f.member(team, volunteer)
    db.session.add(Room(community_id=home.id, name="多功能厅", capacity=60, equipment="投影仪、音响、无线话筒"))
    activity = f.activity(team, title=LONG_TITLE, capacity=20, starts_in=timedelta(minutes=30),
                          max_seats_per_signup=2, requires_approval=True)
    db.session.add(Signup(activity_id=activity.id, user_id=volunteer.id, seats=2, status="pending"))
    activity.seats_taken = 2
    db.session.commit()
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff)
    for url, what in [
        (f"/activities/{activity.id}", "activity page with pending sign-ups"),
        (f"/activities/{activity.id}/attendance", "check-in code and roster"),
        (f"/activities/{activity.id}/on-behalf?q=司马", "代报名"),
        (f"/teams/{team.id}/activities/new", "new activity form"),
        ("/rooms", "room week"),
        ("/me/hours", "my hours"),
        ("/hours/claims", "补录 queue"),
    ]:
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        if "new" in url:
            page.get_by_text("重复（每周、每月、农历节日）").click()
        check_layout(page, what)
