"""Due / overdue visits by care tier, table-driven, in Asia/Shanghai dates (pure)."""
from datetime import date, datetime, timedelta

import pytest

from shequ_volunteer.pairing.rules import (
    Schedule,
    VisitState,
    next_due,
    parse_yuan,
    visit_date_refusal,
    visit_moment,
    week_end,
)

UTC = timedelta(hours=8)  # Shanghai = UTC+8: local 2026-11-18 09:00 is 01:00 UTC


def utc(y, m, d, hh=12, mm=0) -> datetime:
    """A Shanghai wall time as the naive UTC the database stores."""
    return datetime(y, m, d, hh, mm) - UTC


NOW = utc(2026, 11, 18, 10)  # Wednesday 18 Nov 2026, 10:00 in Shanghai; the week ends Sunday 22 Nov
FINE, DUE, LATE = VisitState.FINE, VisitState.DUE, VisitState.OVERDUE


@pytest.mark.parametrize("case, schedule, state, due_on", [
    ("high, visited 3 days ago: due next Sunday", Schedule("high", utc(2026, 1, 1), utc(2026, 11, 15)), DUE,
     date(2026, 11, 22)),
    ("high, visited 8 days ago", Schedule("high", utc(2026, 1, 1), utc(2026, 11, 10)), LATE, date(2026, 11, 17)),
    ("high, due today", Schedule("high", utc(2026, 1, 1), utc(2026, 11, 11)), DUE, date(2026, 11, 18)),
    ("high, visited yesterday: due next week", Schedule("high", utc(2026, 1, 1), utc(2026, 11, 17)), FINE,
     date(2026, 11, 24)),
    ("key, visited a month ago less a day", Schedule("key", utc(2026, 1, 1), utc(2026, 10, 20)), DUE,
     date(2026, 11, 19)),
    ("key, visited 31 days ago", Schedule("key", utc(2026, 1, 1), utc(2026, 10, 18)), LATE, date(2026, 11, 17)),
    ("general, visited in September", Schedule("general", utc(2026, 1, 1), utc(2026, 9, 1)), FINE,
     date(2026, 12, 1)),
    ("general, visited in mid-August", Schedule("general", utc(2026, 1, 1), utc(2026, 8, 15)), LATE,
     date(2026, 11, 14)),
    ("staff's own interval of 14 days", Schedule("general", utc(2026, 1, 1), utc(2026, 11, 1), interval_days=14),
     LATE, date(2026, 11, 15)),
    ("new pairing mid-period, never visited: a full interval from the start",
     Schedule("key", utc(2026, 11, 10)), FINE, date(2026, 12, 10)),
    ("new high-risk pairing started 6 days ago", Schedule("high", utc(2026, 11, 12)), DUE, date(2026, 11, 19)),
    ("never visited, started long ago", Schedule("general", utc(2026, 1, 1)), LATE, date(2026, 4, 2)),
    ("late-evening visit counts on its local date", Schedule("high", utc(2026, 1, 1), utc(2026, 11, 11, 23, 30)),
     DUE, date(2026, 11, 18)),
    # 00:30 on Monday 16 Nov in Shanghai is still Sunday 15 Nov in UTC: counted by the UTC date the
    # next visit would fall due this Sunday; by the Shanghai date it is due next Monday.
    ("just-after-midnight visit counts on its local date",
     Schedule("high", utc(2026, 1, 1), utc(2026, 11, 16, 0, 30)), FINE, date(2026, 11, 23)),
])
def test_due_by_tier(case, schedule, state, due_on):
    due = next_due(schedule, NOW)
    assert (due.state, due.due_on) == (state, due_on), case


def test_major_change_makes_any_tier_due_within_24_hours():
    calm = Schedule("general", utc(2026, 1, 1), utc(2026, 11, 1))
    assert next_due(calm, NOW).state == FINE
    hospital = Schedule("general", utc(2026, 1, 1), utc(2026, 11, 1), major_change_at=NOW - timedelta(hours=3))
    due = next_due(hospital, NOW)
    assert due.state == DUE and due.urgent_by == NOW + timedelta(hours=21)
    late = Schedule("general", utc(2026, 1, 1), utc(2026, 11, 1), major_change_at=NOW - timedelta(hours=25))
    assert next_due(late, NOW).state == LATE
    visited_since = Schedule("general", utc(2026, 1, 1), NOW - timedelta(hours=1),
                             major_change_at=NOW - timedelta(hours=25))
    assert next_due(visited_since, NOW).state == FINE  # the visit after the change settles it


def test_week_end():
    assert week_end(date(2026, 11, 16)) == date(2026, 11, 22)  # Monday
    assert week_end(date(2026, 11, 22)) == date(2026, 11, 22)  # Sunday


@pytest.mark.parametrize("typed, fen", [
    ("50", 5000), ("12.5", 1250), ("0.05", 5), ("０.５", 50), (" 8 ", 800), ("0", 0), ("100000", 10_000_000),
    ("-5", None), ("1e3", None), ("12.345", None), ("abc", None), ("", None), ("100000.01", None), ("007", None),
])
def test_amounts_in_yuan(typed, fen):
    assert parse_yuan(typed) == fen


@pytest.mark.parametrize("visited_on, refused", [
    (date(2026, 11, 22), False),  # today
    (date(2026, 11, 23), True),  # tomorrow: a visit cannot be in the future
    (date(2026, 10, 22), False),  # 31 days back
    (date(2026, 10, 21), True),  # older: staff enter it
])
def test_visit_dates(visited_on, refused):
    assert (visit_date_refusal(visited_on, date(2026, 11, 22)) is not None) == refused


def test_visit_moment_is_now_today_and_noon_otherwise():
    now = datetime(2026, 11, 22, 2, 0)  # 10:00 Shanghai
    assert visit_moment(date(2026, 11, 22), now) == now
    assert visit_moment(date(2026, 11, 21), now) == datetime(2026, 11, 21, 4, 0)  # 12:00 Shanghai
