"""The main pages work under the Content-Security-Policy (web/security_headers.py): htmx swaps, the check-in
QR code, the report charts and the print pages (poster, door card, certificate, code slip), with not one CSP
violation and nothing on the console. Violations are caught twice: the browser's `securitypolicyviolation`
event, reported to the test through a Playwright binding, and Chromium's console messages."""
from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, log_in, set_marker

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  const blocked = event.blockedURI || "inline";
  window.reportCspViolation(`${event.effectiveDirective} blocked ${blocked} on ${location.pathname}`);
});
"""


@pytest.fixture
def watched(new_context):
    """new_context(), with every CSP violation and console message of its pages collected."""
    violations: list[str] = []
    console: list[str] = []

    def make():
        context = new_context()
        context.expose_function("reportCspViolation", lambda violation: violations.append(violation))
        context.add_init_script(REPORT_VIOLATIONS)
        page = context.new_page()
        page.on("console", lambda message: message.type in ("error", "warning") and not is_favicon(message)
                and console.append(f"{message.type}: {message.text} {message.location.get('url')} ({page.url})"))
        page.on("pageerror", lambda error: console.append(f"pageerror: {error} ({page.url})"))
        return page

    make.violations, make.console = violations, console
    return make


def is_favicon(message) -> bool:
    """Chromium asks for /favicon.ico on its own; the site has none (a 404, not a policy matter)."""
    return message.location.get("url", "").endswith("/favicon.ico")


def world() -> dict:
    home = f.community("幸福里社区")
    staff = f.staff(home, "王芳")
    team = f.team(home, name="党员先锋志愿服务队", kind="party")
    leader, resident = f.user(home, "李建国"), f.user(home, "王阿姨")
    f.member(team, leader, leader=True)
    later = f.activity(team, title="楼道清理", capacity=30, starts_in=timedelta(days=3))
    soon = f.activity(team, title="便民义剪", starts_in=timedelta(minutes=20))
    done = f.activity(team, title="敬老院探望", starts_in=timedelta(days=-2))
    db.session.add_all([Signup(activity_id=soon.id, user_id=resident.id),
                        Signup(activity_id=done.id, user_id=leader.id, attendance="present")])
    soon.seats_taken, done.seats_taken = 1, 1
    household = f.paired_household(home, staff, helpers=[leader], head_name="孙秀兰", building="12", room="1502",
                                   last_visit=f.days_ago(10))
    db.session.commit()
    return {"staff": staff, "team": team, "leader": leader, "resident": resident, "later": later, "soon": soon,
            "household": household}


def test_the_main_pages_work_under_the_policy_without_one_violation(app, watched):
    w = world()

    # A resident: home, team page, an activity, and 我要报名 swapped in place by htmx.
    phone = watched()
    phone.goto("/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    log_in(phone, w["resident"])
    phone.goto(f"/teams/{w['team'].id}")
    expect(phone.get_by_role("heading", level=1)).to_have_text("党员先锋志愿服务队")
    phone.goto(f"/activities/{w['later'].id}")
    panel = phone.locator("#signup-panel")
    set_marker(phone)
    panel.get_by_role("button", name="我要报名").click()
    expect(panel).to_contain_text("报名成功")
    assert_no_page_load(phone)
    # 我的资料 and 我的信息.
    for url in ("/me/profile", "/me/data"):
        phone.goto(url)
        expect(phone.get_by_role("heading", level=1)).to_be_visible()
    # The activity list's filter is an htmx swap too.
    phone.goto("/")
    set_marker(phone)
    phone.locator("select[name=kind]").select_option(label="党员")
    expect(phone).to_have_url(re.compile(r"[?&]kind=party\b"))
    assert_no_page_load(phone)

    # The leader: the check-in page with its QR code, the poster, the certificate with its QR code.
    leader = watched()
    log_in(leader, w["leader"])
    leader.goto(f"/activities/{w['soon'].id}")
    leader.get_by_role("link", name="签到").click()
    expect(leader.locator(".qr svg")).to_be_visible()
    assert leader.locator(".qr svg").bounding_box()["width"] >= 100
    leader.goto(f"/activities/{w['later'].id}/poster")
    expect(leader.locator("svg").first).to_be_visible()
    leader.goto("/reports/certificate")  # issued here: its seal is the server's
    today = f.beijing_today()
    leader.get_by_label("起止日期", exact=True).check()
    leader.get_by_label("开始日期").fill((today - timedelta(days=30)).isoformat())
    leader.get_by_label("结束日期").fill(today.isoformat())
    leader.get_by_role("button", name="开具证明").click()
    leader.wait_for_url(re.compile(r"/reports/certificates/SQ-"))
    certificate = leader.locator("article.certificate")
    expect(certificate.locator(".check svg")).to_be_visible()
    # The certificate's own styles (once an inline <style>) still apply: centred, spaced title.
    assert certificate.locator("h1").evaluate("h => getComputedStyle(h).textAlign") == "center"

    # Staff: the board, a household page, its door card, the report with its charts, the code slip.
    desk = watched()
    log_in(desk, w["staff"])
    desk.goto("/board")
    expect(desk.locator("li.board-row").first).to_be_visible()
    desk.goto(f"/households/{w['household'].id}")
    expect(desk.get_by_role("heading", level=1)).to_contain_text("孙秀兰")
    desk.goto(f"/households/{w['household'].id}/door-card")
    expect(desk.locator(".door-card .qr svg")).to_be_visible()
    desk.goto("/reports")
    expect(desk.locator(".chart-box svg.chart").first).to_be_visible()
    assert desk.locator(".chart-box svg.chart").first.bounding_box()["width"] >= 200
    desk.goto("/people")
    desk.get_by_label("姓名或手机号").fill("王阿")
    set_marker(desk)
    desk.get_by_label("姓名或手机号").press("Enter")
    desk.locator("#people-list").get_by_role("link", name=re.compile("王阿姨")).click()
    desk.get_by_role("button", name="重设密码").click()
    expect(desk.locator(".slip .slip-code")).to_have_text(re.compile(r"^\d{4} \d{4}$"))
    expect(desk.get_by_role("button", name="打印")).to_be_visible()  # shown by copy.js, a static file

    assert not watched.violations, "\n".join(watched.violations)
    assert not watched.console, "\n".join(watched.console)


def test_the_walk_would_see_a_violation(app, watched):
    """The collectors are live: an inline script, as any template could add, is refused and reported."""
    f.activity(f.team(f.community()))
    page = watched()
    page.goto("/")
    page.evaluate("""document.body.append(Object.assign(document.createElement("script"),
                                                      {textContent: "window.inlineRan = true"}))""")
    expect(page.locator("body")).to_be_visible()
    page.wait_for_timeout(200)
    assert page.evaluate("window.inlineRan") is None
    assert any("script-src" in violation for violation in watched.violations), watched.violations
    assert any("Content Security Policy" in message for message in watched.console), watched.console
