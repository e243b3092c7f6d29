"""统计, 台账 and 志愿服务记录证明 on a phone, on the hand-built community of tests/services/test_report_figures.py.

Staff choose November 2026 (htmx, no page load), download the Excel ledger through the real link and
compare every 合计 with the figure on the page; a figure opens the records that add up to it; the volunteer
丙 issues a certificate, prints it and checks it on the public page from a second, signed-out phone; and
every one of these screens is laid out for a 360 px phone.

Three things are added to the hand-built world, none of which changes a November figure:
- 丙 is renamed 张秀英 so the public page has a name to mask (a one-character name is shown as it is);
- H1 and H2 get household categories, so the ledger has something that must stay on the pairing sheet;
- a 科普 activity at 00:30 on 1 December in Shanghai (still 30 November in UTC) that 丙 attended:
  counted by UTC dates it would be a fourth November activity and another hour on 丙's certificate.
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from shequ_volunteer.accounts.models import ROLE_STAFF, User
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import CATEGORIES, Household
from shequ_volunteer.reports.certificate_rules import masked_name
from shequ_volunteer.reports.serials import ALPHABET
from tests.browser.helpers import assert_no_page_load, log_in, set_marker
from tests.browser.test_layout import SMALL_PHONE, check_layout
from tests.browser.test_pairing_layout import ALL_TAP_TARGETS
from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)

pytestmark = pytest.mark.browser

SHEETS = ["活动台账", "志愿服务时长台账", "结对帮扶台账"]
VISIT_HEADER = "探访日期"
HOLDER = "张秀英"
NOVEMBER = "/reports?kind=month&value=2026-11"
# What the page shows for November (tests/services/test_report_figures.py works them out).
SHOWN = {"activities": "3场", "person_times": "7人次", "participants": "4人", "hours": "7.2小时",
         "households": "2户", "visits": "2次"}
BOUNDARY_TITLE = "科普夜观星空"  # 1 December 00:30 Shanghai = 30 November 16:30 UTC


@pytest.fixture
def people(world):  # noqa: F811
    """The world's staff member and 丙 (as 张秀英), with the additions the module docstring names."""
    home, _youth, science = world
    staff = db.session.scalar(select(User).where(User.community_id == home.id, User.role == ROLE_STAFF))
    bing = db.session.scalar(select(User).where(User.name == "丙"))
    bing.name = HOLDER
    categories = {"H1": "dibao,disabled", "H2": "empty_nest"}
    for household in db.session.scalars(select(Household).where(Household.head_name.in_(categories))):
        household.categories = categories[household.head_name]
    starts = datetime(2026, 11, 30, 16, 30)  # naive UTC, as stored
    late = Activity(team_id=science.id, title=BOUNDARY_TITLE, place="屋顶平台", capacity=None,
                    starts_at=starts, ends_at=starts + timedelta(hours=1))
    db.session.add(late)
    db.session.flush()
    db.session.add(Signup(activity_id=late.id, user_id=bing.id, status="confirmed", attendance="present"))
    db.session.commit()  # the live server reads the same database
    return staff, bing


def number_of(shown: str) -> float:
    """'7.2小时' → 7.2, '3场' → 3."""
    value = re.match(r"[0-9.]+", shown)[0]
    return float(value) if "." in value else int(value)


def sheet_rows(sheet) -> list[tuple]:
    return [tuple(row) for row in sheet.iter_rows(values_only=True)]


def totals(rows: list[tuple]) -> list[tuple]:
    return [row for row in rows if row[0] == "合计"]


def block_rows(rows: list[tuple], header_first: str = "序号", after: int = 0) -> list[tuple]:
    """The numbered rows under the `after`-th header row (0: the sheet's first block)."""
    headers = [index for index, row in enumerate(rows) if row[0] == header_first]
    result = []
    for row in rows[headers[after] + 1:]:
        if row[0] == "合计":
            return result
        result.append(row)
    raise AssertionError("a block without its 合计 row")


def day(y: int, m: int, d: int) -> datetime:
    return datetime(y, m, d)  # openpyxl reads a date cell as midnight of that date


def open_report(page: Page) -> dict[str, str]:
    """统计 from the menu, then 按 月 2026-11 through the form (htmx); the figures shown."""
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="统计").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("统计")
    set_marker(page)
    page.get_by_label("按月（默认本月）").check()
    page.get_by_label("月份").fill("2026-11")
    page.get_by_role("button", name="统计", exact=True).click()
    expect(page.locator("#report h2").first).to_have_text("2026年11月")
    assert_no_page_load(page)
    assert "kind=month" in page.url and "month=2026-11" in page.url  # hx-push-url: the address can be shared
    return {key: page.locator(f"#figure-{key}").inner_text().strip() for key in SHOWN}


# --- 1. The ledger downloaded from the page ---------------------------------------------------------

def test_staff_download_the_ledger_and_its_totals_are_the_figures_shown(app, new_context, people, tmp_path):
    staff, _bing = people
    page = new_context().new_page()
    log_in(page, staff)
    shown = open_report(page)
    assert shown == SHOWN

    with page.expect_download() as caught:
        page.get_by_role("link", name="下载台账（Excel）").click()
    download = caught.value
    assert download.failure() is None
    assert download.suggested_filename == "幸福里社区台账-2026年11月.xlsx"
    assert_no_page_load(page)  # a download, the report stays where it was
    saved = tmp_path / "ledger.xlsx"
    download.save_as(saved)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == SHEETS
    rows = {name: sheet_rows(book[name]) for name in SHEETS}
    for name in SHEETS:
        assert rows[name][0][0] == f"幸福里社区{name}（2026年11月）"
        assert rows[name][1][0].startswith("统计时段：2026年11月1日至2026年11月30日（北京时间）")

    # 活动台账: 合计 row B = 活动场次 (merged B:F), G = 参与人次, H = 参与人数 (distinct).
    activities = rows["活动台账"]
    (total,) = totals(activities)
    assert total[1] == number_of(shown["activities"]) == 3
    assert total[6] == number_of(shown["person_times"]) == 7
    assert total[7] == number_of(shown["participants"]) == 4
    held = block_rows(activities)
    assert sum(row[6] for row in held) == total[6]  # 人次 add up; 人数 are de-duplicated, they need not
    # Shanghai dates and times: 09:00 in Shanghai is 01:00 UTC; 1 Dec 00:30 Shanghai is not November.
    assert [(row[1], row[2]) for row in held] == [
        (day(2026, 11, 3), "09:00–11:00"), (day(2026, 11, 10), "09:00–10:00"), (day(2026, 11, 20), "09:00–12:00")]
    assert not any(BOUNDARY_TITLE in str(cell) for sheet in rows.values() for row in sheet for cell in row)

    # 志愿服务时长台账: 合计 G = hours (one decimal, as on the page), H = minutes.
    hours = rows["志愿服务时长台账"]
    (total,) = totals(hours)
    assert total[7] == 435 and total[6] == number_of(shown["hours"]) == 7.2 == round(435 / 60, 1)
    lines = block_rows(hours)
    assert sum(row[7] for row in lines) == 435
    assert sorted((row[1], row[5], row[7]) for row in lines) == [
        (day(2026, 11, 3), "签到", 120), (day(2026, 11, 10), "队长更正", 45),
        (day(2026, 11, 15), "补录", 90), (day(2026, 11, 20), "签到", 180)]

    # 结对帮扶台账: households 合计 B (merged B:J), then the visits block's 合计 B (merged B:H).
    pairing = rows["结对帮扶台账"]
    household_total, visit_total = totals(pairing)
    assert household_total[1] == number_of(shown["households"]) == 2
    assert visit_total[1] == number_of(shown["visits"]) == 2
    households = block_rows(pairing)
    assert [(row[1], row[5], row[7]) for row in households] == [
        ("H1", "低保户、残疾人", day(2026, 1, 5)), ("H2", "空巢/独居老人", day(2026, 1, 5))]
    visits = block_rows(pairing, after=1)
    assert [(row[1], row[2]) for row in visits] == [(day(2026, 11, 5), "H1"), (day(2026, 11, 28), "H1")]

    # Household categories: on the pairing sheet only, and nowhere on the page.
    labels = set(CATEGORIES.values())
    for name in ("活动台账", "志愿服务时长台账"):
        cells = [str(cell) for row in rows[name] for cell in row if cell is not None]
        assert not any(label in cell for cell in cells for label in labels), name
    page_text = page.locator("main").inner_text()
    assert not any(label in page_text for label in labels)


# --- 2. The records behind a figure -----------------------------------------------------------------

def test_a_figure_opens_the_records_that_add_up_to_it(app, new_context, people):
    staff, _bing = people
    page = new_context().new_page()
    log_in(page, staff)
    shown = open_report(page)
    page.locator("table.figures").get_by_role("link", name="参与人次", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("参与人次：2026年11月")
    headers = [cell.strip() for cell in page.locator("table.log thead th").all_inner_texts()]
    column = headers.index("人数")
    seats = [int(row.locator("td").nth(column).inner_text()) for row in page.locator("table.log tbody tr").all()]
    assert sum(seats) == number_of(shown["person_times"]) == 7
    assert len(seats) == 6  # A1 甲 乙(2) 丁, A2 乙, A3 丙 甲: no waiting, withdrawn, pending or absent sign-up
    expect(page.locator("main")).to_contain_text("共 6 条记录")
    page.get_by_role("link", name="← 返回统计").click()
    expect(page.locator("#figure-person_times")).to_have_text("7人次")  # back on the same period


# --- 3. A certificate, printed and checked by someone else -------------------------------------------

def issue_november(page: Page) -> str:
    """我的活动 → 我的服务时长 → 服务时长证明, 起止日期 1–30 November, 开具证明; the serial."""
    page.get_by_role("navigation", name="主菜单").get_by_role("link", name="我的活动").click()
    page.get_by_role("link", name="我的服务时长", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("我的服务时长")
    page.get_by_role("link", name="服务时长证明", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("志愿服务记录证明")
    page.get_by_label("起止日期", exact=True).check()
    page.get_by_label("开始日期").fill("2026-11-01")
    page.get_by_label("结束日期").fill("2026-11-30")
    page.get_by_role("button", name="开具证明").click()
    page.wait_for_url(re.compile(r"/reports/certificates/SQ-"))
    return page.url.rsplit("/", 1)[1]


def test_a_volunteer_issues_a_certificate_and_anyone_can_check_it(app, new_context, people):
    _staff, bing = people
    page = new_context().new_page()
    log_in(page, bing)
    serial = issue_november(page)

    expect(page.get_by_role("heading", level=1)).to_have_text("志愿服务记录证明")
    expect(page.locator("#certificate-total")).to_have_text("4.5小时（4小时30分钟）")
    certificate = page.locator("article.certificate")
    expect(certificate).to_contain_text(f"证明编号：{serial}")
    expect(certificate).to_contain_text(HOLDER)
    expect(certificate).to_contain_text("2026年11月")
    lines = [[cell.strip() for cell in row.locator("td").all_inner_texts()]
             for row in certificate.locator("tbody tr").all()]
    assert [(line[0], line[2], line[3]) for line in lines] == [
        ("2026年11月15日", "科普志愿服务队", "1.5"), ("2026年11月20日", "科普志愿服务队", "3")], lines
    assert lines[0][1].startswith("补录")
    assert not any(BOUNDARY_TITLE in cell for line in lines for cell in line)  # 1 December in Shanghai
    expect(certificate.locator("tfoot")).to_contain_text("4.5")
    qr = certificate.locator(".check svg")
    expect(qr).to_have_count(1)
    expect(qr).to_be_visible()
    printed = re.search(r"https?://\S+/verify/\S+", certificate.locator(".check p").inner_text())
    assert printed, certificate.locator(".check p").inner_text()
    link = printed[0]
    assert link.endswith(f"/verify/{serial}")

    # Someone handed the paper, on their own phone, not signed in.
    stranger = new_context().new_page()
    stranger.goto(link)
    expect(stranger.get_by_role("status")).to_contain_text("真实有效")
    expect(stranger.locator("#verify-name")).to_have_text(masked_name(HOLDER))
    assert masked_name(HOLDER) == "张*英"
    expect(stranger.locator("#verify-period")).to_have_text("2026年11月")
    expect(stranger.locator("#verify-total")).to_have_text("4.5小时（4小时30分钟）")
    main = stranger.locator("main")
    expect(main).to_contain_text(serial)
    expect(main).not_to_contain_text(HOLDER)
    for hidden in ("科普志愿服务队", "补录", "2026年11月20日", bing.phone):
        expect(main).not_to_contain_text(hidden)
    expect(stranger.locator("main table")).to_have_count(0)  # no activity list
    expect(stranger.locator("main svg")).to_have_count(0)

    position = 9  # a character of the random part, changed to another valid one
    changed = serial[:position] + ALPHABET[(ALPHABET.index(serial[position]) + 1) % 32] + serial[position + 1:]
    response = stranger.goto(link.replace(serial, changed))
    assert response.status == 404
    expect(stranger.get_by_role("alert")).to_contain_text("未找到")
    expect(stranger.locator("main")).not_to_contain_text("真实有效")


# --- 4. At 360 px -----------------------------------------------------------------------------------

LINKS = """
() => [...document.querySelectorAll('a')]
  .filter(el => {
    const box = el.getBoundingClientRect();
    return box.width > 0 && box.height > 0 && el.checkVisibility({visibilityProperty: true});
  })
  .map(el => ({text: el.textContent.trim().slice(0, 30), height: Math.round(el.getBoundingClientRect().height)}))
"""


def problems_of(page: Page, what: str, print_page: bool = False) -> list[str]:
    """test_layout's check (sideways scroll, 18 px text, its tap targets) and every link and control
    (test_pairing_layout's wider set). A print page has no site chrome and no buttons: only its
    links are tap targets there; the rest of it is paper."""
    found = []
    if print_page:
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 360:
            found.append(f"{what}: the page scrolls sideways ({width} px wide)")
        font_size = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
        if font_size < 18:
            found.append(f"{what}: body text is {font_size}px")
        targets = page.evaluate(LINKS)
    else:
        try:
            check_layout(page, what)
        except AssertionError as error:
            found.append(str(error).splitlines()[0])
        targets = page.evaluate(ALL_TAP_TARGETS)
    small = [target for target in targets if target["height"] < 44]
    if small:
        found.append(f"{what}: tap targets under 44 px high: {small}")
    return found


# Each chart's words as the phone draws them: the size on screen (the SVG is scaled to the column) and whether
# they stay inside the chart (a team's name once ran off its edge at 14 units).
CHART_TEXT = """
() => [...document.querySelectorAll('svg.chart text')].map(t => {
  const box = t.getBoundingClientRect(), chart = t.ownerSVGElement.getBoundingClientRect();
  return {text: t.textContent, size: parseFloat(t.getAttribute('font-size')) * t.ownerSVGElement.getScreenCTM().a,
          inside: box.left >= chart.left - 1 && box.right <= chart.right + 1};
})
"""


def chart_problems(page: Page, what: str) -> list[str]:
    words = page.evaluate(CHART_TEXT)
    if not words:
        return [f"{what}: no chart"]
    return ([f"{what}: chart text under 18 px: {w}" for w in words if w["size"] < 18]
            + [f"{what}: chart text runs off the chart: {w}" for w in words if not w["inside"]])


def test_report_and_certificate_screens_at_360_px(app, new_context, people):
    staff, bing = people
    problems = []

    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff)
    open_report(page)
    problems += problems_of(page, "统计 with the November report")
    problems += chart_problems(page, "统计 with the November report")
    page.goto("/reports?kind=year&value=2026")  # a year: the monthly line chart too
    expect(page.locator("svg.chart")).to_have_count(2)
    problems += chart_problems(page, "统计 for 2026")
    page.goto("/reports/records/person_times?kind=month&value=2026-11")
    expect(page.get_by_role("heading", level=1)).to_have_text("参与人次：2026年11月")
    problems += problems_of(page, "records behind 参与人次")
    page.goto("/reports/records/hours?kind=month&value=2026-11")  # the widest records: seven columns
    expect(page.get_by_role("heading", level=1)).to_have_text("服务时长：2026年11月")
    problems += problems_of(page, "records behind 服务时长")

    phone = new_context(**SMALL_PHONE).new_page()
    log_in(phone, bing)
    phone.goto("/reports/certificate")
    expect(phone.get_by_role("heading", level=1)).to_have_text("志愿服务记录证明")
    problems += problems_of(phone, "certificate form")
    issue_november(phone)
    expect(phone.locator("#certificate-total")).to_have_text("4.5小时（4小时30分钟）")
    problems += problems_of(phone, "printable certificate", print_page=True)
    phone.goto("/reports/certificate")
    expect(phone.get_by_role("heading", level=2, name="开过的证明")).to_be_visible()
    problems += problems_of(phone, "certificate form with 开过的证明")
    assert not problems, "\n".join(problems)


# --- 5. The period chooser ----------------------------------------------------------------------------

PERIOD_FIELDS = ["月份", "季度", "年份", "起", "止", "截止日期"]


def visible_period_fields(page: Page) -> list[str]:
    return [label for label in PERIOD_FIELDS if page.get_by_label(label, exact=True).is_visible()]


def test_the_period_chooser_shows_only_the_chosen_options_fields_without_javascript(app, new_context, people):
    staff, _bing = people
    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, staff)
    page.goto("/reports")
    expect(page.get_by_label("按月（默认本月）")).to_be_checked()
    assert visible_period_fields(page) == ["月份"]
    page.get_by_label("自定义起止日期").check()
    assert visible_period_fields(page) == ["起", "止"]
    page.get_by_label("按年（默认本年）").check()
    assert visible_period_fields(page) == ["年份"]

    page.get_by_label("年份", exact=True).fill("20x6")
    page.get_by_role("button", name="统计", exact=True).click()
    field = page.get_by_label("年份", exact=True)
    expect(field).to_have_value("20x6")  # what was typed stays, the message stands by it
    expect(page.locator("#period-year-msg")).to_have_text("年份请写成 2026")
    expect(page.locator("#period-year-msg")).to_be_visible()
    assert visible_period_fields(page) == ["年份"]

    field.fill("2026")
    page.get_by_role("button", name="统计", exact=True).click()
    expect(page.locator("#report h2").first).to_have_text("2026年")
    expect(page.get_by_label("按年（默认本年）")).to_be_checked()
    assert visible_period_fields(page) == ["年份"]


def test_with_javascript_choosing_a_period_reports_at_once_in_place(app, new_context, people):
    staff, _bing = people
    page = new_context(**SMALL_PHONE).new_page()
    log_in(page, staff)
    page.goto("/reports")
    set_marker(page)
    page.get_by_label("按年（默认本年）").check()  # this year, without pressing 统计
    expect(page.get_by_label("按年（默认本年）")).to_be_checked()
    expect(page.locator("#report h2").first).to_have_text(re.compile(r"^\d{4}年$"))
    assert visible_period_fields(page) == ["年份"]
    assert_no_page_load(page)
    assert "kind=year" in page.url


def test_the_certificate_form_shows_only_the_chosen_periods_fields_without_javascript(app, new_context, people):
    _staff, bing = people
    page = new_context(**SMALL_PHONE, java_script_enabled=False).new_page()
    log_in(page, bing)
    page.goto("/reports/certificate")
    fields = ["年份", "开始日期", "结束日期"]

    def visible() -> list[str]:
        return [label for label in fields if page.get_by_label(label, exact=True).is_visible()]

    expect(page.get_by_label("整年", exact=True)).to_be_checked()
    assert visible() == ["年份"]
    page.get_by_label("起止日期", exact=True).check()
    assert visible() == ["开始日期", "结束日期"]
    page.get_by_label("开始日期").fill("2026-11-01")
    page.get_by_label("结束日期").fill("2026-11-30")
    page.get_by_role("button", name="开具证明").click()
    page.wait_for_url(re.compile(r"/reports/certificates/SQ-"))
