"""What the 统计 period chooser offers and starts at, for a given day (pure: reports/periods.py)."""
from datetime import date

from shequ_volunteer.reports.periods import recent_quarters, this_period_values


def test_the_chooser_starts_at_this_month_quarter_and_year():
    assert this_period_values(date(2028, 2, 29)) == {
        "month": "2028-02", "quarter": "2028-Q1", "year": "2028", "start": "2028-02-01", "end": "2028-02-29",
        "asof": "2028-02-29"}
    assert this_period_values(date(2026, 12, 31))["quarter"] == "2026-Q4"


def test_recent_quarters_run_from_this_one_back_and_never_ahead():
    quarters = recent_quarters(date(2026, 5, 1), years=2)
    assert quarters[0] == ("2026-Q2", "2026年第2季度")
    assert [value for value, _label in quarters] == ["2026-Q2", "2026-Q1", "2025-Q4", "2025-Q3", "2025-Q2", "2025-Q1"]
