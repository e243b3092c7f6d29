"""The pairing and hours screens write days as the rest of the site does ('12月5日 周六'), never '2026-12-05'."""
import re

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
