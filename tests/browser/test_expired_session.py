"""A tap after the session is gone sends the whole window to 登录, never a form inside the panel."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect
from sqlalchemy import func, select

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in

pytestmark = pytest.mark.browser


def test_signup_after_session_expired_goes_to_login(app, page):
    home = f.community()
    team = f.team(home)
    resident = f.user(home, name="钱大爷")
    activity = f.activity(team, title="社区义诊", capacity=10)

    log_in(page, resident)
    page.goto(f"/activities/{activity.id}")
    panel = page.locator("#signup-panel")
    expect(panel.get_by_role("button", name="我要报名")).to_be_visible()

    page.context.clear_cookies()  # the session (and the remember-me cookie) is gone
    panel.get_by_role("button", name="我要报名").click()

    expect(page).to_have_url(re.compile(r"/login\?"))
    assert parse_qs(urlsplit(page.url).query)["next"] == [f"/activities/{activity.id}"]
    expect(page.get_by_role("heading", level=1)).to_have_text("登录")
    expect(page.locator("#signup-panel")).to_have_count(0)
    expect(page.locator("input[type=password]")).to_have_count(1)  # one login form: the page's own

    # Logging in again brings the person back to the activity, still not signed up.
    page.get_by_label("手机号", exact=True).fill(resident.phone)
    page.get_by_label("密码", exact=True).fill(f.PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page).to_have_url(re.compile(rf"/activities/{activity.id}$"))
    expect(page.locator("#signup-panel").get_by_role("button", name="我要报名")).to_be_visible()
    fresh_session()
    assert db.session.get(Activity, activity.id).seats_taken == 0
    assert db.session.scalar(select(func.count()).select_from(Signup)) == 0
