"""The Beijing calendar day, decided in one place (timeutil), at the instants that break day code."""
from datetime import date, datetime, time, timedelta

import pytest

from shequ_volunteer.timeutil import (
    LOCAL_TZ,
    UTC_OFFSET,
    at_local,
    day_range,
    format_day,
    format_local,
    is_all_day,
    local_date,
    local_midnight,
    local_today,
    week_start,
)


@pytest.mark.parametrize("utc, beijing_day", [
    (datetime(2026, 12, 4, 15, 30), date(2026, 12, 4)),    # 23:30 Beijing
    (datetime(2026, 12, 4, 16, 30), date(2026, 12, 5)),    # 00:30 Beijing: already tomorrow
    (datetime(2026, 12, 6, 23, 59), date(2026, 12, 7)),    # 07:59 Beijing Monday, UTC still Sunday
    (datetime(2026, 12, 7, 0, 1), date(2026, 12, 7)),      # 08:01 Beijing
    (datetime(2028, 2, 28, 16, 30), date(2028, 2, 29)),    # 00:30 on a leap day
    (datetime(2026, 12, 31, 16, 0), date(2027, 1, 1)),     # midnight of New Year
    (datetime(2026, 12, 31, 15, 59, 59), date(2026, 12, 31)),
])
def test_today_is_the_beijing_day(utc, beijing_day):
    assert local_today(utc) == beijing_day == local_date(utc)


def test_midnight_and_day_ranges_are_beijing_days_in_utc():
    assert local_midnight(date(2028, 2, 29)) == datetime(2028, 2, 28, 16, 0)
    assert day_range(date(2028, 2, 29)) == (datetime(2028, 2, 28, 16, 0), datetime(2028, 2, 29, 16, 0))
    assert day_range(date(2026, 12, 31), date(2027, 1, 1)) == (datetime(2026, 12, 30, 16), datetime(2027, 1, 1, 16))
    assert at_local(date(2026, 12, 5), time(20)) == datetime(2026, 12, 5, 12, 0)


def test_weeks_start_on_monday_in_beijing():
    sunday_night_utc = datetime(2026, 12, 6, 23, 59)  # Monday 07:59 in Beijing
    assert week_start(local_today(sunday_night_utc)) == date(2026, 12, 7)
    assert week_start(date(2026, 12, 6)) == date(2026, 11, 30)


def test_all_day_means_24_hours_or_more():
    evening = at_local(date(2026, 12, 5), time(20))
    assert not is_all_day(evening, evening + timedelta(hours=6))          # 20:00–02:00 patrol: times
    assert not is_all_day(evening + timedelta(hours=2), evening + timedelta(hours=4, minutes=30))  # 除夕 22:00–00:30
    assert is_all_day(evening, evening + timedelta(hours=24))
    camp = at_local(date(2026, 12, 10), time(9))
    assert is_all_day(camp, camp + timedelta(days=2, hours=8))           # three-day camp: whole days


def test_days_are_written_the_way_the_site_writes_them():
    assert format_day(date(2026, 12, 5)) == "12月5日 周六"
    assert format_day(date(2028, 2, 29), with_weekday=False) == "2月29日"


def test_format_day_with_the_year_for_history():
    assert format_day(date(2025, 1, 1), with_year=True) == "2025年1月1日 周三"
    assert format_day(None) == ""


def test_the_year_is_written_for_a_day_of_another_beijing_year():
    """Given `now`, a moment of another Beijing year carries its year; the UTC year does not count."""
    new_year = at_local(date(2027, 1, 1), time(0, 30))  # 2026-12-31 16:30 UTC
    assert format_local(at_local(date(2026, 12, 28), time(14, 39)), now=new_year) == "2026年12月28日 周一 14:39"
    assert format_local(at_local(date(2027, 1, 1), time(0, 10)), now=new_year) == "1月1日 周五 00:10"
    eve = at_local(date(2026, 12, 31), time(23, 50))  # same UTC date as new_year: Beijing's year decides
    assert format_local(at_local(date(2026, 12, 28), time(14, 39)), now=eve) == "12月28日 周一 14:39"
    assert format_local(at_local(date(2027, 1, 1), time(8)), now=eve) == "2027年1月1日 周五 08:00"  # next year too
    assert format_day(date(2026, 12, 28), today=date(2027, 1, 1)) == "2026年12月28日 周一"
    assert format_day(date(2026, 12, 28), with_weekday=False, today=date(2026, 1, 1)) == "12月28日"
    assert format_local(at_local(date(2025, 12, 28), time(14, 39))) == "12月28日 周日 14:39"  # no `now`: as before


def test_beijing_keeps_one_offset_all_year():
    """The SQL day rules (timeutil_sql) add UTC_OFFSET to a UTC moment: true only while China keeps no summer time.
    Checked at noon and midnight UTC of every day from 1992 to 2100, as the zone database has it."""
    day, last = date(1992, 1, 1), date(2100, 12, 31)
    while day <= last:
        for hour in (0, 12):
            moment = datetime.combine(day, time(hour))
            assert LOCAL_TZ.utcoffset(moment) == UTC_OFFSET, moment
        day += timedelta(days=1)
