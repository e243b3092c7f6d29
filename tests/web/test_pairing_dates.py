"""The pairing and hours screens write days as the rest of the site does ('12月5日 周六'), never '2026-12-05'."""
import re
from datetime import date, datetime, time

import pytest
import time_machine

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import FollowUp
from shequ_volunteer.timeutil import at_local, utcnow
from tests import factories as f
from tests.perf.test_pairing_query_counts import build

from .helpers import text

ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SITE_DAY = re.compile(r"\d{1,2}月\d{1,2}日 周[一二三四五六日]")


def shown_text(body: str) -> str:
    """What a person reads: no form controls (a date input's value is ISO by the HTML standard), no tags."""
    body = re.sub(r"<(input|script|style)\b[^>]*>(.*?</\1>)?", " ", body, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def test_board_household_and_my_pairings_write_days_like_the_rest_of_the_site(app):
    world = build(3)
    pages = [("staff", "/board"), ("staff", f"/households/{world['household_id']}"), ("helper", "/me/pairings")]
    for who, url in pages:
        client = f.logged_in(app, world[who])
        shown = shown_text(text(client.get(url)))
        assert not ISO_DAY.findall(shown), f"{url}: {ISO_DAY.findall(shown)}"
        assert SITE_DAY.search(shown), url


def test_my_hours_write_days_like_the_rest_of_the_site(app):
    from datetime import date

    from shequ_volunteer.extensions import db
    from shequ_volunteer.hours.models import HoursEntry

    home = f.community()
    team = f.team(home)
    volunteer = f.user(home, "王志愿")
    f.member(team, volunteer)
    db.session.add(HoursEntry(user_id=volunteer.id, team_id=team.id, kind="claim", status="approved", minutes=90,
                              served_on=date(2026, 11, 1), note="帮忙搬桌椅", entered_by_id=volunteer.id))
    db.session.commit()
    client = f.logged_in(app, volunteer)
    shown = shown_text(text(client.get("/me/hours")))
    assert "2026年11月1日 周日" in shown and not ISO_DAY.findall(shown), ISO_DAY.findall(shown)


# Around Beijing's New Year: at 00:30 on 1 January the UTC date is still 31 December, so a rule that read the
# UTC year (or no year at all) would write these wrongly.
NEW_YEAR_AT = {"new-year-00-30": "2027-01-01T00:30+08:00", "new-years-eve-23-50": "2026-12-31T23:50+08:00"}


@pytest.mark.parametrize("instant", NEW_YEAR_AT.values(), ids=NEW_YEAR_AT.keys())
def test_follow_ups_of_another_year_carry_the_year(app, instant):
    """待跟进 lists what is still open, so a date of last year must not read as one to come."""
    with time_machine.travel(datetime.fromisoformat(instant), tick=False):
        home = f.community()
        staff, helper = f.staff(home), f.user(home, "志愿者刘洋")
        household = f.paired_household(home, staff, helpers=[helper])
        opened = [at_local(date(2026, 12, 28), time(14, 39)), at_local(date(2027, 1, 1), time(0, 10))]
        db.session.add_all([FollowUp(community_id=home.id, household_id=household.id, reason=f"事项{number}",
                                     opened_by_id=helper.id, opened_at=at) for number, at in enumerate(opened)
                            if at <= utcnow()])
        db.session.add(FollowUp(community_id=home.id, household_id=household.id, reason="水管漏水", status="closed",
                                resolution="已修好", opened_by_id=helper.id, opened_at=opened[0],
                                closed_at=at_local(date(2026, 12, 31), time(23, 45)), closed_by_id=staff.id))
        db.session.commit()
        shown = shown_text(text(f.logged_in(app, staff).get("/follow-ups")))
    if instant.startswith("2027"):
        assert "2026年12月28日 周一 14:39 提出" in shown and "（2026年12月31日 周四 23:45）" in shown
        assert "1月1日 周五 00:10 提出" in shown and "2027年" not in shown
    else:
        assert "12月28日 周一 14:39 提出" in shown and "（12月31日 周四 23:45）" in shown
        assert "年" not in shown.split("待跟进", 2)[-1]  # this year's dates need none
