"""The Beijing day in SQL (timeutil_sql) is timeutil's Beijing day, on each database, at the instants that break it."""
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import Date, DateTime, Integer, literal, select

from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import local_date, local_midnight
from shequ_volunteer.timeutil_sql import days_before, minutes_between, noon_in_shanghai, shanghai_day

MOMENTS = [
    datetime(2026, 12, 4, 15, 30),        # 23:30 Beijing
    datetime(2026, 12, 4, 16, 0),         # midnight Beijing: already tomorrow
    datetime(2026, 12, 6, 23, 59),        # 07:59 Beijing, UTC still the day before
    datetime(2028, 2, 28, 16, 30),        # 00:30 on a leap day
    datetime(2026, 12, 31, 15, 59, 59),   # the last second of the year
    datetime(2026, 12, 31, 16, 0),        # New Year
]


@pytest.mark.parametrize("moment", MOMENTS)
def test_the_sql_day_is_the_beijing_day(app, moment):
    assert _as_date(db.session.scalar(select(shanghai_day(literal(moment, DateTime()))))) == local_date(moment)


@pytest.mark.parametrize("day", [date(2026, 12, 31), date(2028, 2, 29), date(2027, 1, 1)])
def test_noon_of_a_day_and_days_before_it(app, day):
    noon = db.session.scalar(select(noon_in_shanghai(literal(day, Date()))))
    assert _as_datetime(noon) == local_midnight(day) + timedelta(hours=12)
    assert local_date(_as_datetime(noon)) == day
    earlier = db.session.scalar(select(days_before(literal(day, Date()), literal(366, Integer()))))
    assert _as_date(earlier) == day - timedelta(days=366)


def test_minutes_between_two_moments(app):
    start = datetime(2026, 12, 31, 15, 30)
    minutes = db.session.scalar(select(minutes_between(literal(start, DateTime()),
                                                       literal(start + timedelta(hours=2, minutes=45), DateTime()))))
    assert minutes == 165


def _as_date(value) -> date:  # SQLite answers text
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _as_datetime(value) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
