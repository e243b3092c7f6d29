"""A household's visit state reads the same on the board, the household page and 我的结对: one macro words it."""
import re

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import queries, services
from shequ_volunteer.timeutil import format_day, utcnow
from tests import factories as f

from .helpers import text


def shown(body: str) -> str:
    """The words a person reads, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


def test_the_pairing_screens_word_the_visit_state_alike(app):
    home = f.community()
    staff, helper = f.staff(home), f.user(home, "王志愿")
    overdue = f.paired_household(home, staff, helpers=[helper], head_name="刘奶奶", last_visit=f.days_ago(30))
    fine = f.paired_household(home, staff, helpers=[helper], head_name="赵阿姨", tier="general",
                              last_visit=f.days_ago(1))
    urgent = f.paired_household(home, staff, helpers=[helper], head_name="陈爷爷", tier="general",
                                last_visit=f.days_ago(1))
    services.report_major_change(actor_for(staff), urgent, "hospital", "", f.days_ago(1 / 12))
    db.session.commit()
    due = {row.household.id: row.due for row in queries.board_rows(queries.community_scope(home.id), utcnow())}
    expected = {
        overdue.id: f"逾期：应在 {format_day(due[overdue.id].due_on)} 前探访",
        fine.id: f"下次探访：{format_day(due[fine.id].due_on)} 前",
        urgent.id: f"本周应访：{format_day(due[urgent.id].due_on)} 前（有重大变故，24小时内探访）",
    }
    as_staff, as_helper = f.logged_in(app, staff), f.logged_in(app, helper)
    screens = {"/board": shown(text(as_staff.get("/board"))),
               "/me/pairings": shown(text(as_helper.get("/me/pairings")))}
    for household_id, words in expected.items():
        household_page = shown(text(as_staff.get(f"/households/{household_id}")))
        assert words in household_page, (words, household_page)
        for url, body in screens.items():
            assert words in body, (url, words)
