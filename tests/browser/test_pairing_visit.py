"""结对帮扶 on the phone: a helper logs a visit that needs follow-up, staff close it, the board counts move."""
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import FOLLOW_UP_CLOSED, FollowUp, Visit, VisitAid
from tests import factories as f
from tests.browser.helpers import assert_no_page_load, fresh_session, log_in, set_marker

pytestmark = pytest.mark.browser

HOTLINE = "027-8888-1234"
REASON = "冰箱坏了，老人一个人搬不动，请社区联系维修"
RESOLUTION = "已联系物业师傅上门修好"


def world():
    home = f.community()
    home.hotline = HOTLINE
    db.session.commit()
    staff = f.staff(home, "王芳")
    helper = f.user(home, "张志愿")
    f.member(f.team(home, name="党员先锋志愿服务队", kind="party"), helper)
    return home, staff, helper


def counts(page: Page) -> dict[str, int]:
    return {key: int(page.locator(f"#count-{key} .count-number").inner_text())
            for key in ("due", "visited", "overdue")}


def test_helper_logs_a_visit_staff_close_the_follow_up_and_the_board_moves(app, new_context):
    home, staff, helper = world()
    grandma = f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", last_visit=f.days_ago(30))

    # (c) The board before the visit: 刘奶奶 is overdue.
    board = new_context().new_page()
    log_in(board, staff)
    board.goto("/board")
    row = board.locator(f'li.board-row[data-household="{grandma.id}"]')
    expect(row).to_have_class("board-row visit-overdue")
    before = counts(board)
    assert before["overdue"] >= 1

    # (a) The helper, on their own phone: 我的结对 → 记录探访.
    phone = new_context().new_page()
    log_in(phone, helper)
    phone.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的结对").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("我的结对")
    card = phone.locator(".card", has_text="刘奶奶")
    expect(card).to_contain_text("逾期")
    card.get_by_role("link", name="记录探访").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("记录探访")
    expect(phone.get_by_label("探访日期")).to_have_value(f.beijing_today().isoformat())
    set_marker(phone)
    phone.get_by_label("上门", exact=True).check()
    phone.get_by_label("饮食", exact=True).check()
    phone.get_by_label("时长（分钟）").fill("45")
    phone.get_by_label("需要社区跟进", exact=True).check()
    phone.get_by_label("需要跟进什么", exact=True).fill(REASON)
    phone.get_by_text("送了物资（可不填）").click()
    phone.locator("#aid_item_1").fill("米面油")
    phone.locator("#aid_amount_1").fill("50")
    phone.get_by_role("button", name="保存探访记录").click()
    expect(phone.get_by_role("status")).to_have_text("已记录刘奶奶的探访，已转社区跟进")
    assert_no_page_load(phone)

    # (c) After the visit: one fewer overdue, one more visited this week.
    board.reload()
    after = counts(board)
    assert after["overdue"] == before["overdue"] - 1, (before, after)
    assert after["visited"] == before["visited"] + 1, (before, after)
    expect(row).not_to_have_class("board-row visit-overdue")
    expect(row).to_contain_text("本周已访")

    # (b) Staff take the follow-up and close it, in place.
    staff_page = board
    staff_page.goto("/follow-ups")
    queue = staff_page.locator("#queue")
    item = queue.locator(".follow-up", has_text="刘奶奶")
    expect(item).to_contain_text(REASON)
    set_marker(staff_page)
    item.get_by_label("状态").select_option(label="已办结")
    item.get_by_label("负责人").select_option(label="王芳")
    item.get_by_label("处理情况（办结时必填）").fill(RESOLUTION)
    item.get_by_role("button", name="保存").click()
    expect(queue.get_by_role("status")).to_have_text("已更新：刘奶奶（已办结）")
    expect(queue.locator(".follow-up")).to_have_count(0)
    expect(queue.get_by_role("heading", name="最近办结")).to_be_visible()
    expect(queue.locator(".roster li", has_text="刘奶奶")).to_contain_text(f"{REASON} → {RESOLUTION}")
    assert_no_page_load(staff_page)

    fresh_session()
    visit = db.session.scalars(select(Visit).where(Visit.household_id == grandma.id)
                               .order_by(Visit.id.desc()).limit(1)).one()
    assert (visit.visitor_id, visit.way, visit.visited_on, visit.duration_minutes, visit.concerns,
            visit.needs_follow_up) == (helper.id, "home", f.beijing_today(), 45, "food", True)
    assert [(a.item, a.amount_fen) for a in db.session.scalars(select(VisitAid).where(
        VisitAid.visit_id == visit.id))] == [("米面油", 5000)]
    follow_up = db.session.scalars(select(FollowUp)).one()
    assert (follow_up.household_id, follow_up.visit_id, follow_up.reason, follow_up.opened_by_id) == (
        grandma.id, visit.id, REASON, helper.id)
    assert (follow_up.status, follow_up.resolution, follow_up.owner_id, follow_up.closed_by_id) == (
        FOLLOW_UP_CLOSED, RESOLUTION, staff.id, staff.id)
    assert follow_up.closed_at is not None


def test_staff_log_a_visit_from_the_board_and_the_counts_update_in_place(app, page):
    home, staff, helper = world()
    f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", building="3", last_visit=f.days_ago(30))
    grandpa = f.paired_household(home, staff, helpers=[helper], head_name="陈爷爷", building="5",
                                 last_visit=f.days_ago(20))
    # 重点 (monthly), 40 days ago: overdue too, but left out by the 高风险 filter below.
    f.paired_household(home, staff, helpers=[helper], head_name="赵阿姨", building="7", tier="key",
                       last_visit=f.days_ago(40))

    log_in(page, staff)
    page.goto("/board")
    assert counts(page)["overdue"] == 3
    set_marker(page)
    page.get_by_label("等级").select_option(label="高风险")
    expect(page.locator("#board-list-title")).to_have_text("全部结对（2户）")
    assert counts(page) == {"due": 0, "visited": 0, "overdue": 2}

    row = page.locator(f'li.board-row[data-household="{grandpa.id}"]')
    row.get_by_role("link", name="记录探访").click()
    form = row.locator("form")
    expect(form.get_by_role("button", name="保存探访记录")).to_be_visible()
    expect(form.get_by_label("探访日期")).to_have_value(f.beijing_today().isoformat())
    form.get_by_label("电话", exact=True).check()
    form.get_by_label("时长（分钟）").fill("15")
    form.get_by_role("button", name="保存探访记录").click()

    board = page.locator("#board")
    expect(board.get_by_role("status")).to_have_text("已记录陈爷爷的探访")
    expect(page.locator("#count-overdue .count-number")).to_have_text("1")
    expect(page.locator("#count-visited .count-number")).to_have_text("1")
    # The filter the board was showing is kept: 赵阿姨 (重点) is still left out.
    expect(page.locator("#board-list-title")).to_have_text("全部结对（2户）")
    expect(board).not_to_contain_text("赵阿姨")
    expect(row).to_contain_text("本周已访")
    assert_no_page_load(page)

    fresh_session()
    visit = db.session.scalars(select(Visit).where(Visit.household_id == grandpa.id)
                               .order_by(Visit.id.desc()).limit(1)).one()
    assert (visit.visitor_id, visit.way, visit.duration_minutes, visit.needs_follow_up) == (
        staff.id, "phone", 15, False)
    assert db.session.scalar(select(func.count()).select_from(FollowUp)) == 0


def test_a_visit_date_in_the_future_is_refused_next_to_the_field_and_keeps_the_input(app, page):
    home, staff, helper = world()
    grandma = f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", last_visit=f.days_ago(30))
    tomorrow = (f.beijing_today() + timedelta(days=1)).isoformat()

    log_in(page, helper)
    page.goto(f"/households/{grandma.id}/visits/new")
    set_marker(page)
    page.get_by_label("探访日期").fill(tomorrow)
    page.get_by_label("视频", exact=True).check()
    page.get_by_label("时长（分钟）").fill("25")
    page.get_by_label("情况简述（可不填）").fill("老人精神不错")
    page.get_by_role("button", name="保存探访记录").click()

    date_field = page.locator(".field", has=page.locator("#visited_on"))
    expect(date_field.locator(".field-msg")).to_have_text("探访日期不能晚于今天")
    expect(page.locator("#visited_on")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_role("alert")).to_have_text("请按红字提示修改后再提交。")
    expect(page.get_by_label("探访日期")).to_have_value(tomorrow)
    expect(page.get_by_label("视频", exact=True)).to_be_checked()
    expect(page.get_by_label("时长（分钟）")).to_have_value("25")
    expect(page.get_by_label("情况简述（可不填）")).to_have_value("老人精神不错")
    assert_no_page_load(page)

    fresh_session()
    assert db.session.scalar(select(func.count()).select_from(Visit).where(Visit.household_id == grandma.id)) == 1


def test_staff_find_a_helpers_households_by_typing_part_of_the_name(app, page):
    home, staff, helper = world()
    other = f.user(home, "李秀英")
    f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", last_visit=f.days_ago(30))
    f.paired_household(home, staff, helpers=[other], head_name="陈爷爷", last_visit=f.days_ago(3))

    log_in(page, staff)
    page.goto("/board")
    expect(page.locator("#board-list-title")).to_have_text("全部结对（2户）")
    set_marker(page)
    page.get_by_label("志愿者").fill("秀英")
    page.get_by_label("志愿者").press("Enter")
    expect(page.locator("#board-list-title")).to_have_text("全部结对（1户）")
    expect(page.locator("#board")).to_contain_text("陈爷爷")
    expect(page.locator("#board")).not_to_contain_text("刘奶奶")
    assert_no_page_load(page)
    assert "helper_name=%E7%A7%80%E8%8B%B1" in page.url  # the filtered board can be bookmarked and shared
    page.get_by_label("志愿者").fill("")
    page.get_by_label("志愿者").press("Enter")
    expect(page.locator("#board-list-title")).to_have_text("全部结对（2户）")
    assert_no_page_load(page)
