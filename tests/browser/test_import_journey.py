"""Staff bring a team's list in (导入), at a desktop width and on a 360 px phone: a problem row in the preview,
the list fixed and uploaded again, 确认导入, then the people are there for 代报名 and on the team's roster."""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.browser.helpers import fresh_session, log_in
from tests.browser.test_layout import phone_problems
from tests.support.messy_files import Sheet, write_xlsx

# The issue asks this journey of both databases: bin/test runs it on PostgreSQL too.
pytestmark = [pytest.mark.browser, pytest.mark.both_databases]

WIDTHS = {"desktop": {"viewport": {"width": 1280, "height": 900}, "is_mobile": False, "has_touch": False},
          "phone-360": {"viewport": {"width": 360, "height": 740}}}
HEADER = ["序号", "所在队伍", "联系电话", "姓名", "是否队长"]


def team_list(path, second_phone):
    """The team's own roster: a title row, then the header; the second phone is as the clerk typed it."""
    return write_xlsx(path, Sheet("队员", [["夕阳红志愿服务队花名册"], HEADER,
                                          [1, "夕阳红志愿服务队", 13700000021, "孙奶奶", "否"],
                                          [2, "夕阳红志愿服务队", second_phone, "钱大爷", "√"]], merges=["A1:E1"]))


def assert_fits(page, what: str):
    """No sideways scrolling; on the phone, test_layout's whole check (18 px text, 44 px targets, no broken words)."""
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    if page.viewport_size["width"] < 500:
        assert phone_problems(page, what) == []


@pytest.mark.parametrize("width", WIDTHS, ids=list(WIDTHS))
def test_staff_bring_a_team_list_in(app, new_context, tmp_path, width):
    home = f.community()
    staff = f.staff(home, name="王社工")
    team = f.team(home, name="夕阳红志愿服务队")
    activity = f.activity(team, title="重阳节敬老联欢", capacity=20)
    page = new_context(**WIDTHS[width]).new_page()
    log_in(page, staff)

    page.get_by_role("link", name="导入", exact=True).click()
    expect(page.get_by_role("heading", name="导入名单")).to_be_visible()
    page.get_by_label("队伍成员").check()
    page.get_by_label("选择文件（.xlsx 或 .csv）").set_input_files(team_list(tmp_path / "夕阳红.xlsx", "1370000022"))
    page.get_by_role("button", name="上传并预览").click()
    problems = page.locator("#problems")
    expect(problems).to_contain_text("第4行")
    expect(problems).to_contain_text("联系电话")
    expect(page.locator("#creates")).to_contain_text("孙奶奶")
    assert_fits(page, "import preview")

    page.goto("/imports")  # the clerk fixed the phone in Excel and uploads the list again
    page.get_by_label("队伍成员").check()
    page.get_by_label("选择文件（.xlsx 或 .csv）").set_input_files(team_list(tmp_path / "改好的.xlsx", "13700000022"))
    page.get_by_role("button", name="上传并预览").click()
    expect(page.locator("#creates")).to_contain_text("钱大爷")
    expect(page.locator("#problems")).to_have_count(0)
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("status")).to_contain_text("新建")
    assert_fits(page, "import summary")

    page.goto(f"/activities/{activity.id}/on-behalf")
    page.get_by_label("姓名或手机号").fill("钱")
    expect(page.locator("#search-results")).to_contain_text("钱大爷")
    page.goto(f"/teams/{team.id}")
    expect(page.locator("main")).to_contain_text("孙奶奶")
    expect(page.locator("main")).to_contain_text("钱大爷")
    fresh_session()
    assert db.session.scalar(select(User.password_hash).where(User.phone == "13700000022")) == ""  # no login yet
