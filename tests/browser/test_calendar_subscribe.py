"""Calendar subscriptions on a phone: 我的日程 and its secret link, the reminder, a leader's team
feed with counts, the single-event download, staff stopping a person's links, and the layout at 360 px."""
import re

import pytest
from playwright.sync_api import Page, expect

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities.services import sign_up
from shequ_volunteer.calendar import tokens
from shequ_volunteer.calendar.models import KIND_PERSONAL
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, log_in, set_marker
from tests.browser.test_layout import SMALL_PHONE, SMALL_TEXT, check_layout
from tests.browser.test_pairing_layout import ALL_TAP_TARGETS
from tests.support.ical_conformance import check_feed

pytestmark = pytest.mark.browser

TITLE = "垃圾分类科普讲座"
HAIRCUT = "敬老院义剪"
FEED_PATH = re.compile(r"^/calendar/me/[A-Za-z0-9_-]{40,}\.ics$")


def signed_up(person, activity) -> None:
    sign_up(actor_for(person), activity, utcnow())
    db.session.commit()


def feed(page: Page, url: str, status: int = 200):
    """GET a feed with the page's own request context; the events, conformance-checked."""
    response = page.request.get(url)
    assert response.status == status, f"{url}: {response.status}, expected {status}"
    if status != 200:
        return None
    assert response.headers["content-type"].startswith("text/calendar"), response.headers["content-type"]
    return check_feed(response.body())


def shown_link(page: Page, base_url: str, path_pattern: re.Pattern = FEED_PATH) -> str:
    """The secret feed address the page shows right after making it: the https (here http)
    address in a read-only field to copy, its webcal:// twin on iPhone 一键订阅, and a QR code."""
    section = page.locator("#feed-link")
    address = section.get_by_label("订阅地址（长按可全选、复制）")
    expect(address).to_have_count(1)
    url = address.input_value()
    assert url.startswith(base_url + "/"), url
    assert path_pattern.match(url.removeprefix(base_url)), url
    expect(address).to_have_attribute("readonly", "")
    one_tap = section.get_by_role("link", name="iPhone 一键订阅", exact=True)
    expect(one_tap).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])
    expect(section.locator(".qr svg")).to_have_count(1)
    expect(section.locator(".qr svg")).to_be_visible()
    return url


def expect_steps(page: Page) -> None:
    section = page.locator("#feed-link")
    steps = section.locator("dl.steps")
    expect(section.get_by_role("heading", name="苹果手机（iPhone）")).to_be_visible()
    for app in ["安卓手机 · 小米", "安卓手机 · 华为、荣耀、OPPO、vivo", "Outlook"]:
        expect(steps.locator("dt", has_text=app)).to_be_visible()
    expect(section).to_contain_text("每隔几个小时才刷新一次")


def test_resident_subscribes_to_my_schedule_and_resets_the_link(app, page, live_server):
    home = f.community()
    team = f.team(home, name="科普志愿服务队", kind="science")
    resident = f.user(home, name="李秀英")
    lecture = f.activity(team, title=TITLE, capacity=10)
    f.activity(team, title="周末清洁家园")  # not signed up: not in 我的日程
    signed_up(resident, lecture)

    log_in(page, resident)
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的活动").click()
    page.get_by_role("link", name="订阅我的日程").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("订阅我的日程")
    section = page.locator("#feed-link")
    expect(section).to_contain_text("还没有订阅链接")

    set_marker(page)
    section.get_by_role("button", name="生成订阅链接").click()
    expect(section.get_by_role("status")).to_have_text("新的订阅链接已生成，旧链接已停用")
    assert_no_page_load(page)
    expect(section).to_contain_text("这个链接只显示这一次")
    first = shown_link(page, live_server.base_url)
    expect_steps(page)

    (event,) = feed(page, first)  # only the activity with a place, not 周末清洁家园
    assert event.summary == f"{TITLE}（{team.name}）", event.summary

    # 重新生成: a new link in place; the old one 404s at once, the new one works.
    section.get_by_role("button", name=re.compile("^重新生成订阅链接")).click()
    expect(section).to_contain_text("旧链接会马上停用")
    feed(page, first)  # asking changed nothing
    section.get_by_role("button", name="确定重新生成").click()
    expect(section.locator("input.feed-address")).not_to_have_value(first)
    assert_no_page_load(page)
    second = shown_link(page, live_server.base_url)
    assert second != first
    feed(page, first, status=404)
    (event,) = feed(page, second)
    assert TITLE in event.summary


def test_reminder_one_hour_before_appears_in_the_feed(app, page, live_server):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="王建华")
    lecture = f.activity(team, title=TITLE)
    signed_up(resident, lecture)

    log_in(page, resident)
    page.goto("/calendar/subscribe")
    section = page.locator("#feed-link")
    section.get_by_role("button", name="生成订阅链接").click()
    url = shown_link(page, live_server.base_url)
    (event,) = feed(page, url)
    assert not event.alarms and "TRIGGER" not in event.text

    set_marker(page)
    section.get_by_label("日历提醒").select_option(label="提前1小时")
    section.get_by_role("button", name="保存提醒").click()
    expect(section.get_by_role("status")).to_have_text("日历提醒：提前1小时")
    assert_no_page_load(page)
    expect(section.get_by_label("日历提醒")).to_have_value("60")

    (event,) = feed(page, url)  # the same link: the reminder belongs to the person
    assert "TRIGGER:-PT60M" in event.text, event.text


def test_leader_subscribes_to_the_team_feed_with_counts(app, page, live_server):
    home = f.community()
    team = f.team(home, name="夕阳红老年志愿服务队", kind="elderly")
    leader = f.user(home, name="欧阳建国")
    f.member(team, leader, leader=True)
    haircut = f.activity(team, title=HAIRCUT, capacity=5)
    for name in ["司马秀英", "诸葛大爷"]:
        signed_up(f.user(home, name=name), haircut)

    log_in(page, leader)
    page.goto(f"/teams/{team.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(team.name)
    page.get_by_role("link", name="订阅本队日历（标题带报名人数）").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"订阅{team.name}日历（含报名人数）")
    section = page.locator("#feed-link")
    set_marker(page)
    section.get_by_role("button", name="生成订阅链接").click()
    expect(section.get_by_role("status")).to_have_text("新的订阅链接已生成，旧链接已停用")
    assert_no_page_load(page)
    url = shown_link(page, live_server.base_url, re.compile(r"^/calendar/team-live/[A-Za-z0-9_-]{40,}\.ics$"))
    expect_steps(page)

    (event,) = feed(page, url)
    assert event.summary == f"{HAIRCUT} 2/5", event.summary
    assert " 2/5" in event.value("SUMMARY")


def test_single_event_download_has_the_feeds_uid(app, page):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="赵丽")
    resident.reminder_minutes = 1440
    db.session.commit()
    lecture = f.activity(team, title=TITLE)
    f.activity(team, title="周末清洁家园")

    log_in(page, resident)
    page.goto(f"/activities/{lecture.id}")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    with page.expect_download() as info:
        page.get_by_role("link", name=re.compile("^加入手机日历")).click()
    download = info.value
    assert download.suggested_filename.endswith(".ics"), download.suggested_filename
    with open(download.path(), "rb") as file:
        (single,) = check_feed(file.read())
    assert TITLE in single.summary
    assert "TRIGGER:-PT1440M" in single.text  # the person's reminder

    community = feed(page, f"/calendar/community/{home.id}.ics")
    (same,) = [event for event in community if TITLE in event.summary]
    (other,) = [event for event in community if "周末清洁家园" in event.summary]
    assert same.uid == single.uid
    assert other.uid != single.uid


def test_staff_stop_a_residents_links(app, new_context, live_server):
    home = f.community()
    staff = f.staff(home, name="欧阳社工")
    resident = f.user(home, name="钱桂英")
    secret = tokens.issue(resident.id, KIND_PERSONAL, utcnow())
    db.session.commit()
    url = f"{live_server.base_url}/calendar/me/{secret}.ics"

    page = new_context().new_page()
    feed(page, url)  # works before
    log_in(page, staff)
    page.goto("/calendar/links")
    expect(page.get_by_role("heading", level=1)).to_have_text("停用居民的日历链接")
    set_marker(page)
    page.get_by_label("手机号").fill(resident.phone)
    page.get_by_role("button", name="查找").click()
    person = page.locator("#person")
    expect(person).to_contain_text("钱桂英")
    expect(person).to_contain_text("1 个有效的日历链接")
    person.get_by_role("button", name="全部停用").click()
    expect(person).to_contain_text("钱桂英的1个日历链接会马上停用")
    person.get_by_role("button", name="确定全部停用").click()
    expect(person.get_by_role("status")).to_have_text("已停用钱桂英的1个日历链接")
    expect(person).to_contain_text("0 个有效的日历链接")
    assert_no_page_load(page)
    feed(page, url, status=404)


# Whatever pokes out past the right edge of a 360 px screen, even inside a box that clips it.
WIDE = """
() => [...document.querySelectorAll('main *')]
  .filter(el => el.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
  .map(el => ({tag: el.tagName.toLowerCase() + (el.className ? '.' + String(el.className).split(' ').join('.') : ''),
               right: Math.round(el.getBoundingClientRect().right)}))
"""


def layout_problems(page: Page, what: str) -> list[str]:
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    problems = []
    try:
        check_layout(page, what)
    except AssertionError as error:
        problems.append(str(error).splitlines()[0])
    small = [target for target in page.evaluate(ALL_TAP_TARGETS) if target["height"] < 44]
    if small:
        problems.append(f"{what}: tap targets under 44 px high: {small}")
    tiny = page.evaluate(SMALL_TEXT)
    if tiny:
        problems.append(f"{what}: text under 18 px: {tiny}")
    wide = page.evaluate(WIDE)
    if wide:
        problems.append(f"{what}: wider than the screen: {wide}")
    return problems


def test_subscribe_pages_at_360_px(app, new_context, live_server):
    home = f.community()
    team = f.team(home, name="夕阳红老年志愿服务队", kind="elderly")
    leader = f.user(home, name="欧阳建国")  # leads the team and holds a place, like many residents
    f.member(team, leader, leader=True)
    staff = f.staff(home, name="欧阳社工")
    signed_up(leader, f.activity(team, title=HAIRCUT, capacity=5))

    problems = []
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, leader)
    for url, what in [
        ("/calendar/subscribe", "我的日程, no link yet"),
        (f"/calendar/subscribe/community/{home.id}", "community subscribe page"),
        (f"/calendar/subscribe/teams/{team.id}", "team subscribe page"),
        (f"/calendar/subscribe/team-live/{team.id}", "leader's team feed, no link yet"),
    ]:
        page.goto(url)
        if "/community/" in url or "/teams/" in url:
            expect(page.locator("input.feed-address")).to_be_visible()
        problems += layout_problems(page, what)
        if url in ("/calendar/subscribe", f"/calendar/subscribe/team-live/{team.id}"):
            page.locator("#feed-link").get_by_role("button", name="生成订阅链接").click()
            expect(page.locator("#feed-link input.feed-address")).to_be_visible()  # the long unbroken address
            problems += layout_problems(page, what.replace("no link yet", "link just made"))

    staff_page = new_context(**SMALL_PHONE).new_page()
    log_in(staff_page, staff)
    staff_page.goto(f"/calendar/links?phone={leader.phone}")
    expect(staff_page.locator("#person")).to_contain_text("2 个有效的日历链接")
    expect(staff_page.get_by_role("button", name="全部停用")).to_be_visible()
    problems += layout_problems(staff_page, "日历链接管理 with a person found")
    assert not problems, "\n".join(problems)


def test_the_address_is_copied_with_one_tap_and_by_hand_without_javascript(app, new_context, live_server):
    home = f.community()
    url = f"/calendar/subscribe/community/{home.id}"
    address = f"{live_server.base_url}/calendar/community/{home.id}.ics"

    phone = new_context(**SMALL_PHONE, permissions=["clipboard-read", "clipboard-write"]).new_page()
    phone.goto(url)
    phone.wait_for_load_state("load")
    expect(phone.get_by_label("订阅地址（长按可全选、复制）")).to_have_value(address)
    phone.get_by_role("button", name="复制订阅地址").click()
    expect(phone.locator(".copy-status")).to_have_text("已复制，可以粘贴到日历里了")
    assert phone.evaluate("navigator.clipboard.readText()") == address

    plain = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    plain.goto(url)
    field = plain.get_by_label("订阅地址（长按可全选、复制）")
    expect(field).to_have_value(address)
    expect(field).to_be_visible()
    expect(field).to_have_attribute("readonly", "")
    expect(plain.get_by_role("button", name="复制订阅地址")).to_be_hidden()  # a button that would do nothing
    expect(plain.get_by_role("link", name="iPhone 一键订阅")).to_be_visible()
    expect(plain.locator("main")).not_to_contain_text("Google")
