"""操作记录 at 360 px: no sideways scrolling, 18 px text, 44 px targets; the filter works without htmx."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shequ_volunteer.audit import models as audit
from shequ_volunteer.audit.models import AuditEntry
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
        db.session.add(AuditEntry(at=utcnow() - timedelta(minutes=n), actor_id=staff.id, actor_name=staff.name,
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
