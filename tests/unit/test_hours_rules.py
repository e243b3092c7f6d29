"""Service-hour rules (pure)."""
from datetime import date, datetime, timedelta

import pytest

from shequ_volunteer.hours import rules

START = datetime(2026, 11, 20, 1, 0)


@pytest.mark.parametrize("attendance, corrected, expected", [
    ("present", None, 150), ("late", None, 150), ("absent", None, 0), ("leave", None, 0), (None, None, 0),
    ("absent", 60, 60), ("present", 0, 0), ("late", 90, 90),
])
def test_attended_minutes(attendance, corrected, expected):
    assert rules.attended_minutes(START, START + timedelta(minutes=150), attendance, corrected) == expected


@pytest.mark.parametrize("typed, minutes", [
    ("1.5", 90), ("2", 120), (" 0.25 ", 15), ("1，5", 90), ("0.1", 0), ("24", 1440),
    ("25", None), ("-1", None), ("abc", None), ("", None), ("nan", None), ("inf", None),
])
def test_parse_hours(typed, minutes):
    assert rules.parse_hours(typed) == minutes


def test_claim_refusal_and_format():
    today = date(2026, 11, 22)
    assert rules.claim_refusal(today, today, 60) is None
    assert "已经做过" in rules.claim_refusal(today + timedelta(days=1), today, 60)
    assert "一年以内" in rules.claim_refusal(today - timedelta(days=400), today, 60)
    assert "大于0" in rules.claim_refusal(today, today, 0)
    assert rules.format_minutes(90) == "1小时30分钟" and rules.format_minutes(120) == "2小时"
