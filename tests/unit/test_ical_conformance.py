"""The conformance checker itself can fail: each deliberately broken body is caught."""
from datetime import UTC, date, datetime

import pytest

from shequ_volunteer.calendar.ical import Event, build_calendar
from tests.support.ical_conformance import FeedNotConformant, check_feed, feed_problems

PRODID = "-//t//ZH"


def event(**overrides) -> Event:
    values = dict(
        uid="activity-1@test", stamp=datetime(2026, 11, 1, 8, 0, 0),
        start=datetime(2026, 12, 5, 9, 30), end=datetime(2026, 12, 5, 11, 0),
        summary="重阳节敬老联欢（夕阳红老年志愿服务队）", location="社区活动室, 二楼",
        description="第一行\n第二行; 带上身份证\\", url="https://shequ.test/activities/1",
    )
    values.update(overrides)
    return Event(**values)


def good_body() -> bytes:
    return build_calendar("幸福里社区志愿活动", [
        event(),
        event(uid="activity-2@test", summary="社区志愿服务" * 20, alarm_minutes=60),
        event(uid="activity-3@test", start=datetime(2026, 12, 7, 9), end=datetime(2026, 12, 9, 17),
              all_day=True, cancelled=True, sequence=2),
    ], PRODID)


def test_a_good_feed_passes_and_both_parsers_agree():
    events = check_feed(good_body())
    assert [e.uid for e in events] == ["activity-1@test", "activity-2@test", "activity-3@test"]
    first, _, multi_day = events
    assert first.start == datetime(2026, 12, 5, 1, 30, tzinfo=UTC)  # 09:30 Shanghai
    assert first.summary == "重阳节敬老联欢（夕阳红老年志愿服务队）"
    assert first.value("LOCATION") == "社区活动室\\, 二楼"
    assert (multi_day.start, multi_day.end, multi_day.status) == (date(2026, 12, 7), date(2026, 12, 10), "CANCELLED")
    assert multi_day.all_day and multi_day.sequence == 2


def assert_caught(body: bytes, *fragments: str) -> None:
    problems = feed_problems(body)
    assert problems, "the checker passed a broken feed"
    joined = "\n".join(problems)
    for fragment in fragments:
        assert fragment in joined, joined
    with pytest.raises(FeedNotConformant):
        check_feed(body)


def test_lf_line_endings():
    assert_caught(good_body().replace(b"\r\n", b"\n"), "bare LF")


def test_one_lf_among_crlf():
    assert_caught(good_body().replace(b"VERSION:2.0\r\n", b"VERSION:2.0\n", 1), "bare LF")


def test_a_76_octet_line():
    long_line = b"DESCRIPTION:" + b"x" * (76 - len(b"DESCRIPTION:"))
    assert len(long_line) == 76
    body = good_body().replace(b"END:VEVENT\r\n", b"" + long_line + b"\r\nEND:VEVENT\r\n", 1)
    assert_caught(body, "76 octets")


def test_a_fold_inside_a_chinese_character():
    summary = ("SUMMARY:" + "中" * 30).encode()  # 8 + 90 octets: must be folded
    split = summary[:75] + b"\r\n " + summary[75:]  # 75 octets = 8 + 22 characters and a third of one
    assert summary[75] & 0xC0 == 0x80  # really inside a character
    body = good_body().replace(b"SUMMARY:", split + b"\r\nX-OLD-SUMMARY:", 1)
    assert_caught(body, "not whole UTF-8")


def test_a_fold_inside_a_character_even_when_short_lines():
    folded = "SUMMARY:社区".encode()
    broken = folded[:9] + b"\r\n " + folded[9:]  # inside 社
    body = good_body().replace(b"SUMMARY:", broken + b"\r\nX-OLD:", 1)
    assert_caught(body, "not whole UTF-8")


def test_a_fold_with_a_tab():
    body = good_body().replace(b"PRODID:-//t//ZH", b"PRODID:-//t/\r\n\t/ZH")
    assert_caught(body, "TAB")


def test_method_publish_without_organizer():
    body = good_body().replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n")
    assert_caught(body, "without an ORGANIZER")


def test_method_publish_with_organizer_on_every_event_is_fine():
    body = good_body().replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n")
    body = body.replace(b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\nORGANIZER;CN=x:mailto:x@shequ.test\r\n")
    assert feed_problems(body) == []


def test_method_publish_with_organizer_on_only_some_events():
    body = good_body().replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:PUBLISH\r\n")
    body = body.replace(b"BEGIN:VEVENT\r\n", b"BEGIN:VEVENT\r\nORGANIZER:mailto:x@shequ.test\r\n", 1)
    assert_caught(body, "without an ORGANIZER")


def test_another_method():
    assert_caught(good_body().replace(b"VERSION:2.0\r\n", b"VERSION:2.0\r\nMETHOD:REQUEST\r\n"), "METHOD")


def test_duplicate_uid():
    assert_caught(good_body().replace(b"UID:activity-2@test", b"UID:activity-1@test"), "appears twice")


def test_a_tzid_without_vtimezone():
    body = good_body().replace(b"DTSTART;TZID=Asia/Shanghai", b"DTSTART;TZID=Asia/Chongqing", 1)
    assert_caught(body, "TZID=Asia/Chongqing")


def test_no_vtimezone_at_all():
    body = good_body()
    start, end = body.index(b"BEGIN:VTIMEZONE"), body.index(b"END:VTIMEZONE\r\n") + len(b"END:VTIMEZONE\r\n")
    assert_caught(body[:start] + body[end:], "no VTIMEZONE")


def test_a_floating_time():
    body = good_body().replace(b"DTSTART;TZID=Asia/Shanghai:", b"DTSTART:", 1)
    assert_caught(body, "neither a DATE")


@pytest.mark.parametrize("line", [
    b"X-PUBLISHED-TTL:PT1H", b"REFRESH-INTERVAL;VALUE=DURATION:PT1H", b"PRODID:-//t//ZH", b"VERSION:2.0",
    b"CALSCALE:GREGORIAN", b"X-WR-CALNAME:\xe5\xb9\xb8\xe7\xa6\x8f\xe9\x87\x8c\xe7\xa4\xbe\xe5\x8c\xba"
    b"\xe5\xbf\x97\xe6\x84\xbf\xe6\xb4\xbb\xe5\x8a\xa8", b"NAME:\xe5\xb9\xb8\xe7\xa6\x8f\xe9\x87\x8c\xe7\xa4\xbe"
    b"\xe5\x8c\xba\xe5\xbf\x97\xe6\x84\xbf\xe6\xb4\xbb\xe5\x8a\xa8",
])
def test_a_missing_calendar_property(line):
    body = good_body()
    assert line + b"\r\n" in body
    assert_caught(body.replace(line + b"\r\n", b""), line.split(b":")[0].split(b";")[0].decode())


def test_refresh_interval_without_value_duration():
    body = good_body().replace(b"REFRESH-INTERVAL;VALUE=DURATION:PT1H", b"REFRESH-INTERVAL:PT1H")
    assert_caught(body, "REFRESH-INTERVAL")


def test_a_missing_dtstamp():
    body = good_body().replace(b"DTSTAMP:20261101T080000Z\r\n", b"", 1)
    assert_caught(body, "DTSTAMP")


def test_a_local_dtstamp():
    body = good_body().replace(b"DTSTAMP:20261101T080000Z", b"DTSTAMP:20261101T080000", 1)
    assert_caught(body, "DTSTAMP must be UTC")


@pytest.mark.parametrize("raw, fragment", [
    (b"SUMMARY:a,b", "unescaped ','"),
    (b"SUMMARY:a;b", "unescaped ';'"),
    (b"LOCATION:a\\b", "backslash that escapes nothing"),
])
def test_unescaped_text(raw, fragment):
    body = good_body().replace(b"SUMMARY:", raw + b"\r\nX-WAS:", 1)
    assert_caught(body, fragment)


def test_a_timed_event_over_several_days():
    body = good_body().replace(b"DTEND;TZID=Asia/Shanghai:20261205T110000",
                               b"DTEND;TZID=Asia/Shanghai:20261207T170000", 1)
    assert_caught(body, "multi-day activities must be all-day")


def test_an_evening_across_midnight_is_a_timed_event():
    """A patrol 20:00–02:00 keeps its times; only 24 hours or more must be whole days."""
    body = good_body().replace(b"DTSTART;TZID=Asia/Shanghai:20261205T093000",
                               b"DTSTART;TZID=Asia/Shanghai:20261205T200000", 1)
    body = body.replace(b"DTEND;TZID=Asia/Shanghai:20261205T110000", b"DTEND;TZID=Asia/Shanghai:20261206T020000", 1)
    assert b"DTEND;TZID=Asia/Shanghai:20261206T020000" in body
    assert feed_problems(body) == []


def test_an_unbalanced_component():
    assert_caught(good_body().replace(b"END:VEVENT\r\n", b"", 1), "does not close")


def test_parsers_disagreeing_or_refusing_is_reported():
    # A DTSTART no parser can read: both say so, and the structure check too.
    body = good_body().replace(b"DTSTART;TZID=Asia/Shanghai:20261205T093000",
                               b"DTSTART;TZID=Asia/Shanghai:2026120T093000", 1)
    problems = "\n".join(feed_problems(body))
    assert "needs a local time" in problems
    assert "ical cannot parse" in problems or "icalendar" in problems
