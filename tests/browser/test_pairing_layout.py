"""The pairing screens at 360 px wide: no sideways scrolling, 18 px text, 44 px tap targets; the door card."""
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import schedules
from shequ_volunteer.pairing.models import FOLLOW_UP_CLOSED, FollowUp, HouseholdEvent, Visit, VisitAid
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.browser.helpers import log_in
from tests.browser.test_layout import SMALL_PHONE, check_layout

pytestmark = pytest.mark.browser

HOTLINE = "027-8888-1234"

# Every visible thing a finger taps, wider than test_layout's set: every link (also those inside
# text), every form control, and a label wrapping a checkbox or radio stands for its box.
ALL_TAP_TARGETS = """
() => {
  const describe = el => {
    const parts = [];
    for (let node = el; node && node !== document.body && parts.length < 4; node = node.parentElement) {
      let part = node.tagName.toLowerCase();
      if (node.id) { parts.unshift(part + '#' + node.id); break; }
      if (node.classList.length) part += '.' + [...node.classList].join('.');
      parts.unshift(part);
    }
    return parts.join(' > ');
  };
  return [...document.querySelectorAll('a, button, input, select, textarea, summary, label')]
    .filter(el => {
      if (el.tagName === 'LABEL') return !!el.querySelector('input, select, textarea');
      if (el.tagName === 'INPUT' && el.type === 'hidden') return false;
      if (['checkbox', 'radio'].includes(el.type) && el.closest('label')) return false;  // the label is measured
      return true;
    })
    .filter(el => {
      const box = el.getBoundingClientRect();
      return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true});
    })
    .map(el => ({selector: describe(el), text: (el.textContent || el.value || '').trim().slice(0, 30),
                 height: Math.round(el.getBoundingClientRect().height * 10) / 10}));
}
"""


def small_targets(page) -> list[dict]:
    return [target for target in page.evaluate(ALL_TAP_TARGETS) if target["height"] < 44]


def world():
    home = f.community()
    home.hotline = HOTLINE
    db.session.commit()
    staff = f.staff(home, "欧阳社工")
    helper = f.user(home, "司马秀英")
    f.member(f.team(home, name="夕阳红老年志愿服务队", kind="elderly"), helper)
    household = f.paired_household(
        home, staff, helpers=[helper], head_name="欧阳桂英", building="12", room="1502", last_visit=f.days_ago(10),
        grid="第3网格", contact_name="欧阳明（儿子）", contact_phone="13912345678", members="本人，儿子在外地工作",
        helper_brief="老人耳背，请敲门用力些；每天下午睡午觉到三点。Room-1502-east-wing-elevator-B",
        notes="2024年起享受低保；子女每月回来一次", reason="独居高龄，子女在外地")
    f.paired_household(home, staff, helpers=[helper], head_name="诸葛大爷", building="5", last_visit=f.days_ago(3))
    visit = db.session.query(Visit).filter_by(household_id=household.id).one()
    visit.concerns, visit.note, visit.needs_follow_up = "food,mood", "冰箱里没有什么菜，情绪有些低落", True
    db.session.add(VisitAid(visit_id=visit.id, item="米面油", amount_fen=5000))
    now = utcnow()
    db.session.add_all([
        FollowUp(community_id=home.id, household_id=household.id, visit_id=visit.id,
                 reason="冰箱坏了，请社区联系维修；老人行动不便，需要有人陪同去医院复查", opened_by_id=helper.id,
                 opened_at=now - timedelta(days=2)),
        FollowUp(community_id=home.id, household_id=household.id, reason="楼道灯不亮", opened_by_id=helper.id,
                 opened_at=now - timedelta(days=9), status=FOLLOW_UP_CLOSED, resolution="已报物业更换",
                 owner_id=staff.id, closed_at=now - timedelta(days=8), closed_by_id=staff.id),
        HouseholdEvent(household_id=household.id, kind="hospital", note="高血压住院三天",
                       happened_at=now - timedelta(days=12), reported_by_id=staff.id),
    ])
    db.session.flush()
    schedules.refresh([household.id])  # as the services leave the household after a major change
    db.session.commit()
    return staff, helper, household


PAGES = {
    "staff": [
        ("/board", "board"),
        ("/board#quick", "board with a row's visit form open inline"),
        ("/households/{id}", "household page, staff"),
        ("/households/{id}/visits/new", "visit form, staff"),
        ("/follow-ups", "follow-up queue"),
        ("/households", "household register"),
        ("/households/new", "new household form"),
    ],
    "helper": [
        ("/me/pairings", "我的结对"),
        ("/households/{id}", "household page, helper"),
        ("/households/{id}/visits/new", "visit form, helper"),
    ],
}


def layout_problems(page, url: str, what: str, household_id: int) -> list[str]:
    """Every page is checked and every problem collected, so one run names them all."""
    page.goto(url.removesuffix("#quick"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    if url.endswith("#quick"):
        page.wait_for_load_state("load")  # htmx has wired up the page
        row = page.locator(f'li.board-row[data-household="{household_id}"]')
        row.get_by_role("link", name="记录探访").click()
        expect(row.get_by_role("button", name="保存探访记录")).to_be_visible()
    page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
    problems = []
    try:
        check_layout(page, what)  # sideways scrolling, body text, test_layout's own tap targets
    except AssertionError as error:
        problems.append(str(error).splitlines()[0])
    small = small_targets(page)
    if small:
        problems.append(f"{what} ({url}): tap targets under 44 px high: {small}")
    return problems


@pytest.mark.parametrize("who", ["staff", "helper"])
def test_pairing_screens_at_360_px(app, new_context, who):
    staff, helper, household = world()
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff if who == "staff" else helper)
    problems = [problem for url, what in PAGES[who]
                for problem in layout_problems(page, url.format(id=household.id), what, household.id)]
    assert not problems, "\n".join(problems)


def test_door_card_shows_the_helper_and_the_hotline(app, new_context):
    staff, helper, household = world()
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff)
    page.goto(f"/households/{household.id}/door-card")
    card = page.locator(".door-card")
    expect(card.locator(".helper-name")).to_have_text(helper.name)
    expect(card.locator(".helper-phone")).to_have_text(helper.phone)
    expect(card.locator(".helper-phone")).to_be_visible()
    expect(card.locator(".hotline")).to_contain_text(HOTLINE)
    expect(card.locator(".hotline strong")).to_be_visible()
    expect(card.locator(".qr svg")).to_have_count(1)
    expect(card.locator(".qr svg")).to_be_visible()
    # The card hangs on a door: no name of the condition or category, no staff notes.
    expect(card).not_to_contain_text("空巢")
    expect(card).not_to_contain_text("低保")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"door card: the page scrolls sideways ({width} px wide)"
