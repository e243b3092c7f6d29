"""The leader shows the check-in code on their phone; the resident types it on theirs."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker

pytestmark = pytest.mark.browser


def test_leader_checks_a_resident_in_by_code(app, page, new_context):
    home = f.community()
    team = f.team(home)
    leader, resident, absent = f.user(home, "李队长"), f.user(home, "王阿姨"), f.user(home, "赵大爷")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="便民义剪", starts_in=timedelta(minutes=20))
    for person in (resident, absent):
        db.session.add(Signup(activity_id=activity.id, user_id=person.id))
    activity.seats_taken = 2
    db.session.commit()

    log_in(page, leader)
    page.goto(f"/activities/{activity.id}")
    page.get_by_role("link", name="签到").click()
    code = page.get_by_label("签到码").inner_text().replace(" ", "")
    assert len(code) == 6 and code.isdigit()
    expect(page.locator(".qr svg")).to_be_visible()

    phone = new_context().new_page()
    log_in(phone, resident)
    phone.goto(f"/activities/{activity.id}")
    phone.get_by_role("link", name="我到了，签到").click()
    phone.get_by_label("签到码（队长手机上的6位数字）").fill(code)
    phone.get_by_role("button", name="确认签到").click()
    expect(phone.get_by_role("status")).to_have_text("签到成功")

    # The leader marks the other person absent with one tap, in place.
    page.reload()
    roster = page.locator("#attendance-roster")
    expect(roster).to_contain_text("出席")
    set_marker(page)
    roster.locator(".application", has_text="赵大爷").get_by_role("button", name="缺席").click()
    expect(roster.get_by_role("status")).to_have_text("已登记")
    assert_no_page_load(page)
    fresh_session()
    marks = dict(db.session.execute(select(Signup.user_id, Signup.attendance)).all())
    assert marks == {resident.id: "present", absent.id: "absent"}
