"""台账 (Excel) on the hand-built community of tests/services/test_report_figures.py: the fixed layout,
合计 rows equal to the figures and to the 统计 page, Shanghai dates, categories on the pairing sheet
only, an access-log row per exported household, who may download it, bad periods."""
import re
from datetime import date, datetime
from io import BytesIO
from urllib.parse import unquote

import openpyxl
import pytest
from sqlalchemy import func, select

from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import (
    CATEGORIES,
    FollowUp,
    Household,
    HouseholdAccess,
    Pairing,
    PairingHelper,
    Visit,
    VisitAid,
)
from shequ_volunteer.reports import figures
from shequ_volunteer.reports.ledger import file_names
from shequ_volunteer.reports.periods import month, parse
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)
from tests.support.statements import counting_statements

from .helpers import text

LEDGER = "/reports/ledger.xlsx?kind=month&value=2026-11"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEETS = ["活动台账", "志愿服务时长台账", "结对帮扶台账"]
HEADERS = {
    "活动台账": ("序号", "日期", "时间", "队伍", "活动名称", "地点", "参与人次", "参与人数"),
    "志愿服务时长台账": ("序号", "日期", "姓名", "队伍", "活动/补录说明", "来源", "时长（小时）", "时长（分钟）"),
    "结对帮扶台账": ("序号", "户主姓名", "网格", "住址", "帮扶等级", "帮扶类别", "结对志愿者/队伍", "结对开始",
                     "本期探访次数", "最近探访日期"),
}
VISIT_HEADERS = ("序号", "探访日期", "户主姓名", "方式", "探访人", "时长（分钟）", "发现的问题", "物资",
                 "物资金额（元）", "需要社区跟进")


def staff_client(app, home, name="统计员"):
    staff = f.staff(home, name)
    return f.logged_in(app, staff), staff


def download(client, url=LEDGER) -> dict[str, list[tuple]]:
    """The workbook's sheets, in order, as rows of cell values."""
    response = client.get(url)
    assert response.status_code == 200, text(response)[:300]
    assert response.mimetype == XLSX
    book = openpyxl.load_workbook(BytesIO(response.data))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)] for sheet in book.worksheets}


def totals(rows: list[tuple]) -> list[tuple]:
    return [row for row in rows if row[0] == "合计"]


def data_rows(rows: list[tuple], width: int) -> list[tuple]:
    """The numbered rows of the first block (between the header row and its 合计)."""
    result = []
    for row in rows[3:]:
        if row[0] == "合计":
            return result
        result.append(row[:width])
    return result


def page_figures(client) -> dict[str, str]:
    body = text(client.get("/reports?kind=month&value=2026-11"))
    return dict(re.findall(r'id="figure-(\w+)">([^<]+)<', body))


def figure(home, key):
    return figures.BY_KEY[key].value(home.id, figures.Window(month(2026, 11), utcnow()))


def test_fixed_layout_and_totals_equal_the_figures_and_the_page(app, world):  # noqa: F811
    home, *_ = world
    client, _staff = staff_client(app, home)
    response = client.get(LEDGER)
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="ledger-20261101-20261130.xlsx"; filename*=UTF-8\'\'')
    assert unquote(disposition.split("UTF-8''")[1]) == "幸福里社区台账-2026年11月.xlsx"
    assert "no-store" in response.headers["Cache-Control"]
    book = download(client)
    assert list(book) == SHEETS
    for name, rows in book.items():
        assert rows[0][0] == f"幸福里社区{name}（2026年11月）"
        assert rows[1][0].startswith("统计时段：2026年11月1日至2026年11月30日（北京时间）")
        assert rows[2][:len(HEADERS[name])] == HEADERS[name]
    assert VISIT_HEADERS in [row[:10] for row in book["结对帮扶台账"]]
    shown = page_figures(client)

    activities = book["活动台账"]
    assert [row[6:8] for row in data_rows(activities, 8)] == [(4, 3), (1, 1), (2, 2)]  # A1, A2, A3
    (total,) = totals(activities)
    assert (total[1], total[6], total[7]) == (3, 7, 4)
    assert total[1] == figure(home, "activities") and shown["activities"] == f"{total[1]}场"
    assert total[6] == figure(home, "person_times") == sum(row[6] for row in data_rows(activities, 8))
    assert shown["person_times"] == f"{total[6]}人次"
    # 人数 is the distinct people (甲 took part in two activities), labelled as such, not the column sum.
    assert total[7] == figure(home, "participants") != sum(row[7] for row in data_rows(activities, 8))
    assert shown["participants"] == f"{total[7]}人" and any("去重" in str(row[0]) for row in activities)

    hours = book["志愿服务时长台账"]
    lines = data_rows(hours, 8)
    assert sorted((row[5], row[7]) for row in lines) == [("签到", 120), ("签到", 180), ("补录", 90), ("队长更正", 45)]
    (total,) = totals(hours)
    assert total[7] == figure(home, "hours") == sum(row[7] for row in lines) == 435
    assert total[6] == 7.2 and shown["hours"] == f"{total[6]}小时"

    pairing = book["结对帮扶台账"]
    household_total, visit_total = totals(pairing)
    assert household_total[1] == figure(home, "households") == 2 and shown["households"] == "2户"
    assert visit_total[1] == figure(home, "visits") == 2 and shown["visits"] == "2次"
    assert [row[1] for row in data_rows(pairing, 10)] == ["H1", "H2"]  # H3's pairing ended in October


def test_dates_and_times_are_shanghai(app, world):  # noqa: F811
    home, youth, _science = world
    # 00:30 on 1 November in Shanghai is still 31 October in UTC; a title that looks like a formula stays text.
    early = Activity(team_id=youth.id, title='=HYPERLINK("http://example.com","点我")', place="广场",
                     starts_at=datetime(2026, 10, 31, 16, 30), ends_at=datetime(2026, 10, 31, 17, 30))
    db.session.add(early)
    db.session.commit()
    client, _staff = staff_client(app, home)
    response = client.get(LEDGER)
    sheet = openpyxl.load_workbook(BytesIO(response.data))["活动台账"]
    assert sheet["E4"].value == early.title and sheet["E4"].data_type == "s"
    book = download(client)
    rows = data_rows(book["活动台账"], 8)
    assert [(row[1], row[2]) for row in rows] == [
        (datetime(2026, 11, 1), "00:30–01:30"), (datetime(2026, 11, 3), "09:00–11:00"),
        (datetime(2026, 11, 10), "09:00–10:00"), (datetime(2026, 11, 20), "09:00–12:00")]
    assert totals(book["活动台账"])[0][1] == 4 and page_figures(client)["activities"] == "4场"
    hours = {row[5]: row[1] for row in data_rows(book["志愿服务时长台账"], 8)}
    assert hours["补录"] == datetime(2026, 11, 15)  # a 补录 date stays its Shanghai date
    pairing = book["结对帮扶台账"]
    visit_dates = [row[1] for row in pairing[pairing.index(VISIT_HEADERS) + 1:] if row[0] != "合计"][:2]
    assert visit_dates == [datetime(2026, 11, 5), datetime(2026, 11, 28)]


def test_pairing_sheet_and_categories_only_there(app, world):  # noqa: F811
    home, *_ = world
    h1, h2 = (db.session.scalar(select(Household).where(Household.head_name == name)) for name in ("H1", "H2"))
    h1.categories, h1.grid, h1.estate, h1.room = "dibao,disabled", "第一网格", "幸福小区", "101"
    h2.categories = "empty_nest"
    yi = db.session.scalar(select(Signup.user_id).join(Activity).where(Signup.seats == 2))
    pairing = db.session.scalar(select(Pairing).where(Pairing.household_id == h2.id))
    db.session.add(PairingHelper(pairing_id=pairing.id, user_id=yi, starts_on=date(2026, 1, 5)))
    late = db.session.scalar(select(Visit).where(Visit.visited_on == date(2026, 11, 28)))
    late.needs_follow_up, late.concerns = True, "food,utilities"
    db.session.add_all([VisitAid(visit_id=late.id, item="大米", amount_fen=5000),
                        VisitAid(visit_id=late.id, item="食用油", amount_fen=3550)])
    follow_up = db.session.scalar(select(FollowUp).where(FollowUp.status == "open"))
    follow_up.visit_id = late.id
    db.session.commit()
    client, _staff = staff_client(app, home)
    book = download(client)
    pairing_rows = book["结对帮扶台账"]
    households = {row[1]: row for row in data_rows(pairing_rows, 10)}
    assert households["H1"][2:10] == ("第一网格", "幸福小区 3号楼 101室", "高风险", "低保户、残疾人",
                                      "青年志愿服务队", datetime(2026, 1, 5), 2, datetime(2026, 11, 28))
    assert households["H2"][4:10] == ("重点", "空巢/独居老人", "乙", datetime(2026, 1, 5), 0, datetime(2026, 10, 15))
    visits = pairing_rows[pairing_rows.index(VISIT_HEADERS) + 1:]
    assert visits[1][1:10] == (datetime(2026, 11, 28), "H1", "上门", "甲", 30, "饮食、水电气安全",
                               "大米 50.00元；食用油 35.50元", 85.5, "是：漏水（待处理）")
    assert visits[0][6:10] == ("无", "无", 0, "否")
    assert totals(pairing_rows)[1][8] == 85.5

    labels = set(CATEGORIES.values())
    on_sheet = {name: {str(cell) for row in rows for cell in row if cell is not None} for name, rows in book.items()}
    assert {"低保户、残疾人", "空巢/独居老人"} <= on_sheet["结对帮扶台账"]
    for name in ("活动台账", "志愿服务时长台账"):
        assert not any(label in cell for cell in on_sheet[name] for label in labels), name
    assert not any(label in text(client.get("/reports?kind=month&value=2026-11")) for label in labels)


def test_every_exported_household_is_in_the_access_log(app, world):  # noqa: F811
    home, *_ = world
    client, staff = staff_client(app, home)
    download(client)
    db.session.rollback()
    logged = db.session.execute(select(Household.head_name, HouseholdAccess.user_id, HouseholdAccess.action)
                                .join(Household, Household.id == HouseholdAccess.household_id)
                                .order_by(Household.head_name)).all()
    assert logged == [("H1", staff.id, "export"), ("H2", staff.id, "export")]  # not H3: not in the ledger
    download(client, "/reports/ledger.xlsx?kind=month&value=2026-10")  # October: H3 is paired until the 31st
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HouseholdAccess)) == 5
    assert "导出" in text(client.get("/households/access-log"))  # 谁看过这户 shows the export


def test_file_names_are_safe_whatever_the_community_is_called():
    header = file_names('幸福 里/社区:"新"', parse("range", "", "2026-11-01", "2026-11-30"))
    assert header.startswith('attachment; filename="ledger-20261101-20261130.xlsx"; ')
    assert unquote(header.split("UTF-8''")[1]) == "幸福里社区新台账-2026-11-01至2026-11-30.xlsx"
    assert header.isascii()


def test_same_layout_for_every_period_and_community(app, world):  # noqa: F811
    home, *_ = world
    client, _staff = staff_client(app, home)
    november = download(client)
    empty = download(client, "/reports/ledger.xlsx?kind=quarter&value=2025-Q2")
    db.session.rollback()  # the test's own read snapshot predates the export's access-log rows
    other_client, _other = staff_client(app, f.community("光明社区"), "外社工")
    elsewhere = download(other_client)
    for book in (empty, elsewhere):
        assert list(book) == SHEETS
        for name in SHEETS:
            assert book[name][2] == november[name][2]
    assert elsewhere["活动台账"][0][0] == "光明社区活动台账（2026年11月）"
    assert [row[1] for row in totals(elsewhere["结对帮扶台账"])] == [0, 0]  # nothing of 幸福里
    assert (totals(empty["活动台账"])[0][1], totals(empty["志愿服务时长台账"])[0][7]) == (0, 0)
    # The period the form asks for is the one downloaded: the page's link carries its query string.
    body = text(client.get("/reports?kind=month&value=2026-11"))
    assert 'href="/reports/ledger.xlsx?kind=month&amp;value=2026-11" download>下载台账（Excel）</a>' in body


def test_only_staff_of_the_community_download(app, world):  # noqa: F811
    home, youth, _science = world
    leader = f.user(home, "队长")
    f.member(youth, leader, leader=True)
    for person in (f.user(home, "居民"), leader, f.user(f.community("光明社区"), "外社区居民")):
        client = f.logged_in(app, person)
        assert client.get(LEDGER).status_code == 404
    anonymous = app.test_client().get(LEDGER)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HouseholdAccess)) == 0


@pytest.mark.parametrize("query, message", [
    ("kind=month&value=2026-13", "月份请写成"), ("kind=range&start=2026-11-30&end=2026-11-01", "不能早于"),
    ("kind=year&value=1999", "2000到2099"), ("kind=bogus", "请选择"),
])
def test_a_bad_period_gets_the_message(app, world, query, message):  # noqa: F811
    home, *_ = world
    client, _staff = staff_client(app, home)
    response = client.get(f"/reports/ledger.xlsx?{query}")
    assert response.status_code == 422 and response.mimetype == "text/html"
    assert message in text(response) and "下载台账" not in text(response)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HouseholdAccess)) == 0


def test_the_ledger_reads_a_fixed_number_of_statements(app, world):  # noqa: F811
    """More households and visits must not mean more queries (no per-row lookups)."""
    home, *_ = world
    client, staff = staff_client(app, home)
    counts = []
    for extra in (0, 5):
        for number in range(extra):
            household = Household(community_id=home.id, head_name=f"新户{number}", tier="general")
            db.session.add(household)
            db.session.flush()
            pairing = Pairing(household_id=household.id, starts_on=date(2026, 2, 1), created_by_id=staff.id)
            db.session.add(pairing)
            db.session.flush()
            db.session.add(Visit(household_id=household.id, pairing_id=pairing.id, visitor_id=staff.id, way="phone",
                                 visited_on=date(2026, 11, 9), visited_at=datetime(2026, 11, 9, 2)))
        db.session.commit()
        with counting_statements() as seen:
            download(client)
        counts.append(len(seen))
    assert counts[0] == counts[1]
