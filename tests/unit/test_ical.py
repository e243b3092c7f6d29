"""The pure iCalendar writer: folding, escaping, structure. No app, no database."""
from datetime import datetime

import icalendar
import pytest

from shequ_volunteer.calendar.ical import Event, build_calendar, escape_text, fold


def event(**overrides) -> Event:
    values = dict(
        uid="activity-1@test", stamp=datetime(2026, 11, 1, 8, 0, 0),
        start=datetime(2026, 12, 5, 9, 30), end=datetime(2026, 12, 5, 11, 0),
        summary="重阳节敬老联欢（夕阳红老年志愿服务队）", location="社区活动室",
    )
    values.update(overrides)
    return Event(**values)


@pytest.mark.parametrize("text", [
    "A" * 200,
    "中" * 100,
    "a" + "中" * 100,
    "ab" + "😀" * 60,
    "DESCRIPTION:" + "混合 mixed 文本, with; punctuation\\ " * 10,
])
def test_fold_keeps_lines_short_and_characters_whole(text):
    folded = fold(text)
    assert folded.endswith(b"\r\n")
    physical = folded[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical)
    for line in physical:
        line.decode("utf-8")  # raises if a character was split
    unfolded = b"".join(line[1:] if i else line for i, line in enumerate(physical))
    assert unfolded.decode("utf-8") == text


def test_short_line_is_not_folded():
    assert fold("VERSION:2.0") == b"VERSION:2.0\r\n"


def test_escape_text():
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_calendar_parses_and_round_trips():
    long_title = "社区志愿服务" * 20 + ", 含逗号; 分号\\ 反斜杠"
    body = build_calendar("幸福里社区志愿活动", [event(summary=long_title, description="第一行\n第二行")], "-//t//ZH")
    assert b"\r\n" in body and b"\n" not in body.replace(b"\r\n", b"")
    calendar = icalendar.Calendar.from_ical(body)
    assert calendar["VERSION"] == "2.0"
    assert calendar["PRODID"] == "-//t//ZH"
    timezone = calendar.walk("VTIMEZONE")[0]
    assert timezone["TZID"] == "Asia/Shanghai"
    parsed = calendar.walk("VEVENT")[0]
    assert str(parsed["SUMMARY"]) == long_title
    assert str(parsed["DESCRIPTION"]) == "第一行\n第二行"
    start = parsed.decoded("DTSTART")
    assert start.utcoffset().total_seconds() == 8 * 3600
    assert (start.hour, start.minute) == (9, 30)
    assert parsed.decoded("DTSTAMP").replace(tzinfo=None) == datetime(2026, 11, 1, 8, 0, 0)


def test_cancelled_event_and_sequence():
    body = build_calendar("x", [event(cancelled=True, sequence=3)], "-//t//ZH")
    parsed = icalendar.Calendar.from_ical(body).walk("VEVENT")[0]
    assert parsed["STATUS"] == "CANCELLED"
    assert int(parsed["SEQUENCE"]) == 3


def test_same_input_same_bytes():
    assert build_calendar("x", [event()], "-//t//ZH") == build_calendar("x", [event()], "-//t//ZH")
