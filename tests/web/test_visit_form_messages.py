"""The visit form says what is wrong with each field, all at once: a date outside what the visit rules allow
(with the range), together with any other field's message; the 物资 box holds as many characters as may be
saved."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import AID_ITEM_MAX, Visit, VisitAid
from shequ_volunteer.pairing.rules import VISIT_LOG_MAX_AGE_DAYS
from shequ_volunteer.timeutil import format_day, utcnow
from tests import factories as f

from .helpers import HX, read_form, text

TOO_LATE = "探访日期不能晚于今天"


@pytest.fixture
def world(app):
    home = f.community()
    staff, helper = f.staff(home), f.user(home, "志愿者刘洋")
    household = f.household(home)
    pairing = f.pairing(household, staff, helpers=[helper])
    return f.logged_in(app, helper), household, (helper, pairing)


def typed(**changes) -> dict:
    return {"way": "phone", "visited_on": f.beijing_today().isoformat(), "duration_minutes": "30", **changes}


def too_early(day) -> str:
    earliest = day - timedelta(days=VISIT_LOG_MAX_AGE_DAYS)
    return (f"只能记录{VISIT_LOG_MAX_AGE_DAYS}天内的探访（{format_day(earliest, with_weekday=False)}起），"
            "更早的请找社区工作人员补记")


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_date_long_ago_says_which_dates_may_be_logged(world, headers):
    client, household, _people = world
    answer = client.post(f"/households/{household.id}/visits/new", data=typed(visited_on="1990-01-01"),
                         headers=headers)
    assert answer.status_code == 422
    form = read_form(text(answer))
    assert form.messages["visited_on"] == too_early(f.beijing_today())  # the range, and nothing else
    assert form.values["visited_on"] == "1990-01-01"


@pytest.mark.parametrize("duration, duration_message", [("0", "时长在1到600分钟之间"), ("abc", "请填写整数")])
def test_a_future_date_is_reported_with_the_duration(world, duration, duration_message):
    """Both at once: not the date only after the duration is right."""
    client, household, _people = world
    tomorrow = (f.beijing_today() + timedelta(days=1)).isoformat()
    answer = client.post(f"/households/{household.id}/visits/new",
                         data=typed(visited_on=tomorrow, duration_minutes=duration))
    assert answer.status_code == 422
    messages = read_form(text(answer)).messages
    assert (messages["visited_on"], messages["duration_minutes"]) == (TOO_LATE, duration_message)
    db.session.rollback()
    assert db.session.scalar(select(Visit)) is None


def test_a_correction_reports_the_date_with_the_duration(world):
    client, _household, (helper, pairing) = world
    visit = f.visit(pairing, helper, utcnow() - timedelta(hours=1))
    tomorrow = (f.beijing_today() + timedelta(days=1)).isoformat()
    answer = client.post(f"/visits/{visit.id}/edit", data=typed(visited_on=tomorrow, duration_minutes="0"))
    assert answer.status_code == 422
    messages = read_form(text(answer)).messages
    assert messages["visited_on"] == "探访日期不能晚于记录探访的那一天"
    assert messages["duration_minutes"] == "时长在1到600分钟之间"
    answer = client.post(f"/visits/{visit.id}/edit", data=typed(visited_on="1990-01-01"))
    assert read_form(text(answer)).messages["visited_on"] == too_early(f.beijing_today())


def test_the_aid_item_box_holds_what_may_be_saved(world):
    client, household, _people = world
    page = text(client.get(f"/households/{household.id}/visits/new"))
    assert f'name="aid_item_1" value="" maxlength="{AID_ITEM_MAX}"' in page
    assert VisitAid.__table__.c.item.type.length == AID_ITEM_MAX

    longest = "大" * AID_ITEM_MAX
    too_long = client.post(f"/households/{household.id}/visits/new", data=typed(aid_item_1=longest + "米"))
    assert too_long.status_code == 422
    assert read_form(text(too_long)).messages["aid_1"] == f"请写物资名称（{AID_ITEM_MAX}字以内）"
    assert client.post(f"/households/{household.id}/visits/new", data=typed(aid_item_1=longest)).status_code == 303
    db.session.rollback()
    assert db.session.scalar(select(VisitAid.item)) == longest
