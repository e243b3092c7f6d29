"""Recurrence and lunar dates, table-driven (pure functions)."""
from datetime import date, datetime

import pytest

from shequ_volunteer.activities.recurrence import (
    MAX_OCCURRENCES,
    Rule,
    festival_date,
    later_occurrences,
    nth_weekday,
    occurrence_dates,
)

# Published public-holiday dates (国务院办公厅 holiday notices) and almanac dates.
FESTIVAL_TABLE = [
    ("spring", 2024, date(2024, 2, 10)), ("spring", 2025, date(2025, 1, 29)), ("spring", 2026, date(2026, 2, 17)),
    ("spring", 2027, date(2027, 2, 6)), ("lantern", 2026, date(2026, 3, 3)),
    ("dragon_boat", 2024, date(2024, 6, 10)), ("dragon_boat", 2025, date(2025, 5, 31)),
    ("dragon_boat", 2026, date(2026, 6, 19)), ("qixi", 2025, date(2025, 8, 29)),  # after 2025's leap 6th month
    ("mid_autumn", 2024, date(2024, 9, 17)), ("mid_autumn", 2025, date(2025, 10, 6)),
    ("mid_autumn", 2026, date(2026, 9, 25)), ("double_ninth", 2025, date(2025, 10, 29)),
    ("double_ninth", 2026, date(2026, 10, 18)),
]


@pytest.mark.parametrize("festival, year, expected", FESTIVAL_TABLE)
def test_festival_dates(festival, year, expected):
    assert festival_date(festival, year) == expected


@pytest.mark.parametrize("rule, first, expected", [
    # weekly on Tuesday and Saturday, four times
    (Rule("weekly", weekdays=(1, 5), count=4), date(2026, 11, 23),
     [date(2026, 11, 24), date(2026, 11, 28), date(2026, 12, 1), date(2026, 12, 5)]),
    # weekly until a date (inclusive)
    (Rule("weekly", weekdays=(6,), until=date(2026, 12, 13)), date(2026, 11, 29),
     [date(2026, 11, 29), date(2026, 12, 6), date(2026, 12, 13)]),
    # the 31st of each month is the month's last day where there is no 31st, leap February included
    (Rule("monthly_day", month_day=31, count=4), date(2028, 1, 31),
     [date(2028, 1, 31), date(2028, 2, 29), date(2028, 3, 31), date(2028, 4, 30)]),
    (Rule("monthly_day", month_day=30, count=2), date(2027, 1, 30), [date(2027, 1, 30), date(2027, 2, 28)]),
    # a monthly day before `first` in the first month is skipped
    (Rule("monthly_day", month_day=5, count=2), date(2026, 11, 22), [date(2026, 12, 5), date(2027, 1, 5)]),
    # the 2nd Saturday
    (Rule("monthly_nth", nth=2, weekday=5, count=3), date(2026, 11, 1),
     [date(2026, 11, 14), date(2026, 12, 12), date(2027, 1, 9)]),
    # the last Sunday
    (Rule("monthly_nth", nth=-1, weekday=6, count=2), date(2026, 11, 1), [date(2026, 11, 29), date(2026, 12, 27)]),
    # 重阳 every year, from a date after this year's
    (Rule("lunar", festival="double_ninth", count=2), date(2025, 11, 1), [date(2026, 10, 18), date(2027, 10, 8)]),
    (Rule("none"), date(2026, 11, 22), [date(2026, 11, 22)]),
])
def test_occurrence_dates(rule, first, expected):
    assert occurrence_dates(rule, first) == expected


def test_fifth_weekday_months_are_skipped_and_caps_hold():
    assert nth_weekday(2026, 2, 4, 0) == date(2026, 2, 23)
    assert nth_weekday(2026, 2, 5, 0) is None  # February 2026 has four Mondays
    assert len(occurrence_dates(Rule("weekly", weekdays=tuple(range(7))), date(2026, 1, 1))) == MAX_OCCURRENCES
    assert occurrence_dates(Rule("weekly", weekdays=(0,), until=date(2026, 1, 4)), date(2026, 1, 1)) == []


def test_this_and_later_leaves_the_past_alone():
    now = datetime(2026, 11, 22, 2, 0)
    items = [(1, datetime(2026, 11, 8, 1)), (2, datetime(2026, 11, 15, 1)), (3, datetime(2026, 11, 22, 1)),
             (4, datetime(2026, 11, 29, 1)), (5, datetime(2026, 12, 6, 1))]
    assert later_occurrences(items, datetime(2026, 11, 15, 1), now) == [4, 5]  # 2 and 3 already started
    assert later_occurrences(items, datetime(2026, 11, 29, 1), now) == [4, 5]
    assert later_occurrences(items, datetime(2026, 12, 6, 1), now) == [5]
