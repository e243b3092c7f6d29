"""操作记录 and the administrator's pages at 360 px: no sideways scrolling, 18 px text, 44 px targets, no JavaScript."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shequ_volunteer.audit import models as audit
from shequ_volunteer.audit.models import AuditEntry
from shequ_volunteer.communities.models import Community
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.browser.helpers import log_in
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser


def test_audit_page_on_a_small_phone(app, new_context):
    home = f.community()
    staff = f.staff(home, "欧阳建国")
    for n in range(60):
        db.session.add(AuditEntry(at=utcnow() - timedelta(minutes=n), actor_id=staff.id,
                                  community_id=home.id, kind=audit.ACTIVITY_CANCELLED if n % 2 else
                                  audit.LEADER_APPOINTED, target_type="activities", target_id=n,
                                  summary=f"「社区义诊暨健康知识讲座——高血压、糖尿病慢病管理与合理用药科普宣传（第{n}期）」"))
    db.session.commit()
    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, staff)
    page.goto("/audit")
    expect(page.locator(".audit-entry")).to_have_count(50)
    check_layout(page, "操作记录")
    size = page.evaluate("parseFloat(getComputedStyle(document.querySelector('.audit-entry')).fontSize)")
    assert size >= 18
    page.get_by_label("操作类型").select_option(label="取消活动")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator(".audit-entry")).to_have_count(30)
    expect(page.locator(".audit-entry").first).to_contain_text("取消活动")


def test_administrator_pages_on_a_small_phone(app, new_context):
    """From no 街道 to a community with its staff member, without JavaScript, at 360 px."""
    admin = f.admin(name="欧阳管理员")
    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, admin)
    page.goto("/admin")
    check_layout(page, "建立街道")
    page.get_by_label("街道名称").fill("东湖街道")
    page.get_by_role("button", name="建立街道").click()
    expect(page.locator("h1")).to_have_text("东湖街道")
    check_layout(page, "街道管理")
    page.get_by_role("link", name="新建社区").click()
    page.get_by_label("社区名称").fill("幸福里社区")
    page.get_by_label("地址（印在门卡和通知上）").fill("武汉市东湖路幸福里8号社区党群服务中心一楼")
    page.get_by_label("服务热线").fill("027-87654321")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("h1")).to_have_text("幸福里社区")
    check_layout(page, "社区")
    db.session.rollback()  # the server committed it: read past this session's snapshot
    community = db.session.scalar(db.select(Community).where(Community.name == "幸福里社区"))
    future_staff = f.user(community, "王芳")
    page.get_by_label("手机号").fill(future_staff.phone)
    page.get_by_role("button", name="任命", exact=True).click()
    expect(page.locator("main")).to_contain_text("王芳（")
    page.goto("/audit")
    expect(page.locator(".audit-entry")).to_have_count(3)
    check_layout(page, "操作记录（管理员）")
