"""A small, pure RFC 5545 writer: no Flask, no database.

Written by hand rather than with the icalendar package so that the output is
byte-stable (DTSTAMP from the record) and folded by octets without splitting a
UTF-8 character; the tests parse it back with `icalendar`.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

CRLF = b"\r\n"
MAX_OCTETS = 75
TZID = "Asia/Shanghai"
# How often calendar apps should fetch again (RFC 7986 REFRESH-INTERVAL; Outlook reads X-PUBLISHED-TTL).
REFRESH = "PT1H"

# China has kept UTC+8 without daylight saving since 1991.
VTIMEZONE_SHANGHAI = [
    "BEGIN:VTIMEZONE",
    f"TZID:{TZID}",
    "BEGIN:STANDARD",
    "DTSTART:19700101T000000",
    "TZOFFSETFROM:+0800",
    "TZOFFSETTO:+0800",
    "TZNAME:CST",
    "END:STANDARD",
    "END:VTIMEZONE",
]


@dataclass(frozen=True)
class Event:
    """One VEVENT. `start`/`end` are Shanghai wall times; `stamp` is UTC."""

    uid: str
    stamp: datetime
    start: datetime
    end: datetime
    summary: str
    sequence: int = 0
    cancelled: bool = False
    description: str = ""
    location: str = ""
    url: str = ""
    all_day: bool = False  # whole Shanghai days from start's date to end's date, inclusive
    alarm_minutes: int | None = None  # a reminder this many minutes before the start

    @property
    def end_date_exclusive(self) -> date:
        """DTEND of an all-day event is the day after the last day (RFC 5545 3.6.1)."""
        last_day = (self.end - timedelta(microseconds=1)).date() if self.end.time() == datetime.min.time() \
            else self.end.date()
        return max(last_day, self.start.date()) + timedelta(days=1)


def escape_text(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash, semicolon, comma, newline."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> bytes:
    """Fold one content line at 75 octets, never inside a UTF-8 sequence."""
    data = line.encode("utf-8")
    if len(data) <= MAX_OCTETS:
        return data + CRLF
    pieces: list[bytes] = []
    start, limit = 0, MAX_OCTETS
    while start < len(data):
        end = min(start + limit, len(data))
        # Step back off continuation bytes (10xxxxxx) so a character stays whole.
        while end < len(data) and (data[end] & 0xC0) == 0x80:
            end -= 1
        pieces.append(data[start:end])
        start, limit = end, MAX_OCTETS - 1  # continuation lines start with a space
    return b"\r\n ".join(pieces) + CRLF


def utc_stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%SZ")


def local_stamp(moment: datetime) -> str:
    return moment.strftime("%Y%m%dT%H%M%S")


def event_lines(event: Event) -> list[str]:
    if event.all_day:
        when = [f"DTSTART;VALUE=DATE:{event.start:%Y%m%d}", f"DTEND;VALUE=DATE:{event.end_date_exclusive:%Y%m%d}",
                "TRANSP:TRANSPARENT"]
    else:
        when = [f"DTSTART;TZID={TZID}:{local_stamp(event.start)}", f"DTEND;TZID={TZID}:{local_stamp(event.end)}"]
    lines = [
        "BEGIN:VEVENT",
        f"UID:{event.uid}",
        f"DTSTAMP:{utc_stamp(event.stamp)}",
        f"LAST-MODIFIED:{utc_stamp(event.stamp)}",
        *when,
        f"SEQUENCE:{event.sequence}",
        f"SUMMARY:{escape_text(event.summary)}",
        f"STATUS:{'CANCELLED' if event.cancelled else 'CONFIRMED'}",
    ]
    if event.location:
        lines.append(f"LOCATION:{escape_text(event.location)}")
    if event.description:
        lines.append(f"DESCRIPTION:{escape_text(event.description)}")
    if event.url:
        lines.append(f"URL:{event.url}")
    if event.alarm_minutes and not event.cancelled:
        lines.extend(["BEGIN:VALARM", "ACTION:DISPLAY", f"DESCRIPTION:{escape_text(event.summary)}",
                      f"TRIGGER:-PT{event.alarm_minutes}M", "END:VALARM"])
    lines.append("END:VEVENT")
    return lines


def build_calendar(name: str, events: list[Event], prodid: str) -> bytes:
    """A whole VCALENDAR as bytes, ready to serve as text/calendar.

    No METHOD: METHOD:PUBLISH would oblige an ORGANIZER on every event (RFC 5546), and
    libical-based apps check it; a subscribed feed needs neither.
    """
    lines = [
        "BEGIN:VCALENDAR",
        f"PRODID:{prodid}",
        "VERSION:2.0",
        "CALSCALE:GREGORIAN",
        f"X-WR-CALNAME:{escape_text(name)}",
        f"NAME:{escape_text(name)}",
        f"X-WR-TIMEZONE:{TZID}",
        f"REFRESH-INTERVAL;VALUE=DURATION:{REFRESH}",
        f"X-PUBLISHED-TTL:{REFRESH}",
        *VTIMEZONE_SHANGHAI,
    ]
    for event in events:
        lines.extend(event_lines(event))
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)
