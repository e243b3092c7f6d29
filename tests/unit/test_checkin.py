"""Check-in codes and the check-in window (pure)."""
from datetime import datetime, timedelta

from shequ_volunteer.activities import checkin

START = datetime(2026, 11, 22, 2, 0)
END = START + timedelta(hours=2)


def test_codes_are_six_digits_stable_and_differ_per_activity_and_secret():
    codes = {checkin.code_for("secret", n) for n in range(1, 200)}
    assert all(len(c) == 6 and c.isdigit() for c in codes)
    assert len(codes) > 190  # practically all different
    assert checkin.code_for("secret", 7) == checkin.code_for("secret", 7)
    assert checkin.code_for("secret", 7) != checkin.code_for("other-secret", 7)


def test_code_matching():
    code = checkin.code_for("s", 3)
    assert checkin.code_matches("s", 3, code)
    assert checkin.code_matches("s", 3, f" {code} ")
    assert checkin.code_matches("s", 3, code.translate(str.maketrans("0123456789", "０１２３４５６７８９")))
    assert not checkin.code_matches("s", 4, code)  # another activity's code
    assert not checkin.code_matches("s", 3, "")


def test_window_and_lateness():
    assert checkin.window_refusal(START, END, START - timedelta(hours=2)) == checkin.NOT_OPEN
    assert checkin.window_refusal(START, END, START - timedelta(minutes=59)) is None
    assert checkin.window_refusal(START, END, END) is None
    assert checkin.window_refusal(START, END, END + timedelta(seconds=1)) == checkin.CLOSED
    assert checkin.arrival_status(START, START + timedelta(minutes=15)) == "present"
    assert checkin.arrival_status(START, START + timedelta(minutes=16)) == "late"
