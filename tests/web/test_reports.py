"""统计 page: the same numbers as the figure definitions, the records behind them, access, bad periods."""
import re

import pytest

from shequ_volunteer.reports import figures
from shequ_volunteer.reports.periods import month
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)

from .helpers import HX, text

NOVEMBER = "/reports?kind=month&value=2026-11"


def staff_client(app, home):
    return f.logged_in(app, f.staff(home, "统计员"))


def test_page_shows_the_figures_and_last_year(app, world):  # noqa: F811
    home, *_ = world
    body = text(staff_client(app, home).get(NOVEMBER))
    assert "2026年11月" in body
    shown = dict(re.findall(r'id="figure-(\w+)">([^<]+)<', body))
    assert shown["activities"] == "3场" and shown["person_times"] == "7人次" and shown["participants"] == "4人"
    assert shown["hours"] == "7.2小时" and shown["coverage"] == "1/2户"  # 435 minutes
    assert "<svg" in body and "各队参与人次" in body


def test_records_behind_a_figure_match_it(app, world):  # noqa: F811
    home, *_ = world
    client = staff_client(app, home)
    body = text(client.get("/reports/records/activities?kind=month&value=2026-11"))
    expected = figures.BY_KEY["activities"].value(home.id, figures.Window(month(2026, 11), utcnow()))
    assert body.count("<tr>") - 1 == expected == 3
    assert client.get("/reports/records/nothing?kind=month&value=2026-11").status_code == 404


@pytest.mark.parametrize("query, message", [
    ("kind=month&value=2026-13", "月份请写成"), ("kind=range&start=2026-11-30&end=2026-11-01", "不能早于"),
    ("kind=asof&value=abc", "正确的日期"), ("kind=year&value=1999", "2000到2099"), ("kind=bogus", "请选择"),
])
def test_bad_periods_get_a_message(app, world, query, message):  # noqa: F811
    home, *_ = world
    client = staff_client(app, home)
    response = client.get(f"/reports?{query}")
    assert response.status_code == 422 and message in text(response)
    fragment = client.get(f"/reports?{query}", headers=HX)
    assert fragment.status_code == 422 and "<html" not in text(fragment)


def test_only_staff_of_the_community_see_reports(app, world):  # noqa: F811
    home, youth, _science = world
    leader = f.user(home, "队长")
    f.member(youth, leader, leader=True)
    for person in (f.user(home, "居民"), leader, f.staff(f.community("光明社区"), "外社工")):
        client = f.logged_in(app, person)
        assert client.get(NOVEMBER).status_code == 404 or "3场" not in text(client.get(NOVEMBER))
    assert app.test_client().get(NOVEMBER).status_code == 302


def test_street_viewer_sees_every_community_and_the_totals_read_only(app, world):  # noqa: F811
    from datetime import datetime, timedelta

    from shequ_volunteer.accounts.models import ROLE_VIEWER
    from shequ_volunteer.activities.models import Activity, Signup
    from shequ_volunteer.communities.models import Street
    from shequ_volunteer.extensions import db
    from shequ_volunteer.pairing.models import Household

    home, youth, _science = world
    street = Street(name="东湖街道")
    db.session.add(street)
    db.session.flush()
    other = f.community("光明社区")
    home.street_id = other.street_id = street.id
    team = f.team(other, "光明青年队")
    start = datetime(2026, 11, 7, 1)
    held = Activity(team_id=team.id, title="光明义诊", place="广场", starts_at=start,
                    ends_at=start + timedelta(hours=2))
    db.session.add(held)
    db.session.flush()
    jia = db.session.scalar(db.select(Signup.user_id).order_by(Signup.id))  # 甲 of 幸福里 takes part here too
    db.session.add(Signup(activity_id=held.id, user_id=jia, status="confirmed", attendance="present"))
    db.session.commit()
    viewer = f.user(home, "街道刘科长", role=ROLE_VIEWER)
    client = f.logged_in(app, viewer)
    body = text(client.get("/reports/street?kind=month&value=2026-11"))
    rows = re.findall(r"<tr class=\"[^\"]*\"><td>([^<]+)</td>(.*?)</tr>", body, re.S)
    table = {name: dict(re.findall(r'data-figure="(\w+)">([^<]+)<', cells)) for name, cells in rows}
    assert table["幸福里社区"]["activities"] == "3" and table["光明社区"]["activities"] == "1"
    assert table["合计"]["activities"] == "4" and table["合计"]["person_times"] == "8"
    assert table["合计"]["participants"] == "4"  # 甲 counted once across the two communities
    household_id = db.session.scalar(db.select(Household.id))
    for url in ("/reports?kind=month&value=2026-11", "/reports/records/activities?kind=month&value=2026-11",
                f"/households/{household_id}", "/board", "/follow-ups"):
        assert client.get(url).status_code == 404, url
    staff = f.logged_in(app, f.staff(home, "社工"))
    assert staff.get("/reports/street").status_code == 404


def test_my_hours_page_counts_what_the_statistics_count(app, world):  # noqa: F811
    """One definition: 甲's cancelled A4 attendance and his A3 visit to another team count nowhere."""
    from shequ_volunteer.accounts.models import User
    from shequ_volunteer.extensions import db

    jia = db.session.scalar(db.select(User).where(User.name == "甲"))
    client = f.logged_in(app, jia)
    page = text(client.get("/me/hours"))
    assert "累计 <strong>3小时</strong>" in page  # A1 120 min + the approved 补录 of 2 Oct, 60 min
    window = figures.Window(month(2026, 11), utcnow())
    rows = figures.db.session.execute(figures.hours_records(jia.community_id, window, user_id=jia.id)).all()
    assert sum(row.minutes for row in rows) == 120
