"""An RFC 5545 conformance check for one feed body, run on every text/calendar 200 the suite gets.

`feed_problems(body)` lists what is wrong (empty when nothing is); `check_feed(body)` raises an
AssertionError listing every problem, or returns the events. The rules are the ones of the
calendar issue that one body can show: physical lines (CRLF, 75 octets, folds that keep UTF-8
characters whole), the calendar's required properties, METHOD only with an ORGANIZER on every
event, refresh hints, unique UIDs, a VTIMEZONE for every TZID, no floating times, multi-day
events as all-day ones, TEXT escaping, and two independent parsers (`icalendar`, `ical`) that
accept the body and read back the same events.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

import icalendar
from ical.calendar_stream import IcsCalendarStream

MAX_OCTETS = 75
REQUIRED_ONCE = ("PRODID", "VERSION", "CALSCALE", "X-WR-CALNAME", "NAME")
TEXT_PROPERTIES = {"SUMMARY", "DESCRIPTION", "LOCATION", "COMMENT", "X-WR-CALNAME", "NAME", "X-WR-CALDESC"}
STATUSES = {"TENTATIVE", "CONFIRMED", "CANCELLED"}
DURATION = re.compile(r"^[+-]?P(\d+W|(\d+D)?(T(\d+H)?(\d+M)?(\d+S)?)?)$")
UTC_STAMP = re.compile(r"^\d{8}T\d{6}Z$")
LOCAL_STAMP = re.compile(r"^\d{8}T\d{6}$")
DATE_VALUE = re.compile(r"^\d{8}$")
NAME = re.compile(r"^[A-Za-z0-9-]+$")


@dataclass
class ContentLine:
    name: str
    params: dict[str, str]
    value: str
    raw: str  # the whole unfolded line


@dataclass
class Component:
    name: str
    properties: list[ContentLine] = field(default_factory=list)
    children: list[Component] = field(default_factory=list)

    def all(self, name: str) -> list[ContentLine]:
        return [p for p in self.properties if p.name == name]

    def first(self, name: str) -> ContentLine | None:
        found = self.all(name)
        return found[0] if found else None

    def lines(self) -> list[str]:
        """Every unfolded line of this component, sub-components included."""
        result = [f"BEGIN:{self.name}", *(p.raw for p in self.properties)]
        for child in self.children:
            result.extend(child.lines())
        result.append(f"END:{self.name}")
        return result


@dataclass
class FeedEvent:
    """One VEVENT as the feed wrote it, with what `icalendar` read from it."""

    uid: str
    summary: str  # unescaped
    start: date | datetime  # aware datetimes in UTC; dates for all-day events
    end: date | datetime | None
    status: str
    sequence: int
    stamp: str  # DTSTAMP as written (UTC, …Z)
    component: Component
    parsed: icalendar.Event

    @property
    def lines(self) -> list[str]:
        return self.component.lines()

    @property
    def text(self) -> str:
        """The whole VEVENT, unfolded, one property a line."""
        return "\n".join(self.lines)

    def value(self, name: str) -> str | None:
        """The raw (still escaped) value of the first property of that name in the VEVENT itself."""
        line = self.component.first(name)
        return line.value if line else None

    def line(self, name: str) -> str | None:
        """The whole unfolded line of the first property of that name, e.g. 'DTSTART;VALUE=DATE:20261201'."""
        line = self.component.first(name)
        return line.raw if line else None

    @property
    def all_day(self) -> bool:
        return not isinstance(self.start, datetime)

    @property
    def alarms(self) -> list[Component]:
        return [c for c in self.component.children if c.name == "VALARM"]


class FeedNotConformant(AssertionError):
    def __init__(self, problems: list[str]):
        super().__init__("feed breaks RFC 5545 / the feed rules:\n  - " + "\n  - ".join(problems))
        self.problems = problems


def check_feed(body: bytes) -> list[FeedEvent]:
    """The feed's events, or an AssertionError naming every rule it breaks."""
    problems, events = _examine(body)
    if problems:
        raise FeedNotConformant(problems)
    return events


def feed_problems(body: bytes) -> list[str]:
    return _examine(body)[0]


def by_uid(events: list[FeedEvent]) -> dict[str, FeedEvent]:
    return {event.uid: event for event in events}


# --- physical lines -------------------------------------------------------------------------

def _physical_lines(body: bytes, problems: list[str]) -> list[bytes]:
    if not body.endswith(b"\r\n"):
        problems.append("the body does not end with CRLF")
    if re.search(rb"(?<!\r)\n", body):
        problems.append("a line ends with a bare LF (CRLF only)")
    if re.search(rb"\r(?!\n)", body):
        problems.append("a bare CR (CRLF only)")
    text = body[:-2] if body.endswith(b"\r\n") else body
    lines = text.split(b"\r\n")
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_OCTETS:
            problems.append(f"physical line {number} has {len(line)} octets (> {MAX_OCTETS}): {line[:40]!r}…")
        try:
            line.decode("utf-8", "strict")
        except UnicodeDecodeError:
            problems.append(f"physical line {number} is not whole UTF-8 (a fold split a character?): {line!r}")
        if not line:
            problems.append(f"physical line {number} is empty")
        elif line[:1] == b"\t":
            problems.append(f"physical line {number} is folded with a TAB (fold with one space)")
        elif line[:1] == b" " and number == 1:
            problems.append("the first line is a continuation line")
        elif line[:1] == b" " and len(line) == 1:
            problems.append(f"physical line {number} is a continuation with nothing after the space")
    return lines


def _unfold(lines: list[bytes]) -> list[str]:
    logical: list[bytes] = []
    for line in lines:
        if line[:1] in (b" ", b"\t") and logical:
            logical[-1] += line[1:]
        else:
            logical.append(line)
    return [line.decode("utf-8", "replace") for line in logical]


def _split_content_line(raw: str) -> ContentLine | None:
    """NAME *(;PARAM=VALUE) : VALUE, with double-quoted parameter values."""
    in_quotes, parts, current, value = False, [], [], None
    for index, char in enumerate(raw):
        if char == '"':
            in_quotes = not in_quotes
            current.append(char)
        elif char == ";" and not in_quotes:
            parts.append("".join(current))
            current = []
        elif char == ":" and not in_quotes:
            parts.append("".join(current))
            value = raw[index + 1:]
            break
        else:
            current.append(char)
    if value is None or not parts or not NAME.match(parts[0]):
        return None
    params = {}
    for part in parts[1:]:
        key, equals, param_value = part.partition("=")
        if not equals or not NAME.match(key):
            return None
        params[key.upper()] = param_value.strip('"')
    return ContentLine(parts[0].upper(), params, value, raw)


def _components(logical: list[str], problems: list[str]) -> Component | None:
    root = Component("")
    stack = [root]
    for raw in logical:
        line = _split_content_line(raw)
        if line is None:
            problems.append(f"not a content line: {raw[:60]!r}")
            continue
        if line.name == "BEGIN":
            child = Component(line.value.upper())
            stack[-1].children.append(child)
            stack.append(child)
        elif line.name == "END":
            if len(stack) == 1 or stack[-1].name != line.value.upper():
                problems.append(f"END:{line.value} does not close BEGIN:{stack[-1].name or '(nothing)'}")
                return None
            stack.pop()
        else:
            if len(stack) == 1:
                problems.append(f"a property outside any component: {raw[:60]!r}")
            else:
                stack[-1].properties.append(line)
    if len(stack) != 1:
        problems.append(f"BEGIN:{stack[-1].name} is never closed")
        return None
    if [c.name for c in root.children] != ["VCALENDAR"]:
        problems.append(f"the body must be exactly one VCALENDAR, not {[c.name for c in root.children]}")
        return None
    return root.children[0]


# --- rules on the content ------------------------------------------------------------------

def _text_escaping(line: ContentLine, problems: list[str]) -> None:
    value, index = line.value, 0
    while index < len(value):
        char = value[index]
        if char == "\\":
            if index + 1 >= len(value) or value[index + 1] not in "\\;,nN":
                problems.append(f"{line.name}: a backslash that escapes nothing: {line.raw[:60]!r}")
            index += 2
            continue
        if char in ",;":
            problems.append(f"{line.name}: unescaped {char!r} in TEXT: {line.raw[:60]!r}")
        index += 1


def _calendar_rules(calendar: Component, problems: list[str]) -> None:
    for name in REQUIRED_ONCE:
        count = len(calendar.all(name))
        if count != 1:
            problems.append(f"VCALENDAR needs exactly one {name} (has {count})")
    version = calendar.first("VERSION")
    if version and version.value != "2.0":
        problems.append(f"VERSION must be 2.0, not {version.value!r}")
    scale = calendar.first("CALSCALE")
    if scale and scale.value.upper() != "GREGORIAN":
        problems.append(f"CALSCALE must be GREGORIAN, not {scale.value!r}")
    refresh = calendar.all("REFRESH-INTERVAL")
    if len(refresh) != 1:
        problems.append(f"VCALENDAR needs one REFRESH-INTERVAL;VALUE=DURATION (has {len(refresh)})")
    elif refresh[0].params.get("VALUE", "").upper() != "DURATION" or not DURATION.match(refresh[0].value):
        problems.append(f"REFRESH-INTERVAL must be ;VALUE=DURATION:<duration>, not {refresh[0].raw!r}")
    ttl = calendar.all("X-PUBLISHED-TTL")
    if len(ttl) != 1:
        problems.append(f"VCALENDAR needs one X-PUBLISHED-TTL (has {len(ttl)})")
    elif not DURATION.match(ttl[0].value):
        problems.append(f"X-PUBLISHED-TTL must be a duration, not {ttl[0].value!r}")
    events = [c for c in calendar.children if c.name == "VEVENT"]
    method = calendar.all("METHOD")
    if method:
        if method[0].value.upper() != "PUBLISH" or len(method) > 1:
            problems.append(f"a subscribed feed may only say METHOD:PUBLISH, not {[m.raw for m in method]}")
        missing = [e.first("UID").value if e.first("UID") else "?" for e in events if not e.first("ORGANIZER")]
        if missing:
            problems.append(f"METHOD:PUBLISH without an ORGANIZER on events {missing} (RFC 5546): leave METHOD out")
    for line in calendar.properties:
        if line.name in TEXT_PROPERTIES:
            _text_escaping(line, problems)


def _timezones(calendar: Component, problems: list[str]) -> set[str]:
    defined = set()
    for zone in (c for c in calendar.children if c.name == "VTIMEZONE"):
        tzid = zone.first("TZID")
        if tzid is None:
            problems.append("a VTIMEZONE without TZID")
            continue
        defined.add(tzid.value)
        rules = [c for c in zone.children if c.name in ("STANDARD", "DAYLIGHT")]
        if not rules:
            problems.append(f"VTIMEZONE {tzid.value} has no STANDARD or DAYLIGHT")
        for rule in rules:
            for name in ("DTSTART", "TZOFFSETFROM", "TZOFFSETTO"):
                if rule.first(name) is None:
                    problems.append(f"VTIMEZONE {tzid.value} {rule.name} lacks {name}")
    return defined


def _walk(component: Component):
    yield component
    for child in component.children:
        yield from _walk(child)


def _moment(line: ContentLine, problems: list[str], where: str) -> tuple[str, date | datetime | None]:
    """('date' | 'local' | 'utc', the wall value) of a DTSTART/DTEND line; floating times are refused."""
    value = line.value
    if line.params.get("VALUE", "").upper() == "DATE":
        if not DATE_VALUE.match(value):
            problems.append(f"{where}: {line.name};VALUE=DATE needs YYYYMMDD, not {value!r}")
            return "date", None
        return "date", datetime.strptime(value, "%Y%m%d").date()
    if "TZID" in line.params:
        if not LOCAL_STAMP.match(value):
            problems.append(f"{where}: {line.name} with TZID needs a local time, not {value!r}")
            return "local", None
        return "local", datetime.strptime(value, "%Y%m%dT%H%M%S")
    if UTC_STAMP.match(value):
        return "utc", datetime.strptime(value, "%Y%m%dT%H%M%SZ")
    problems.append(f"{where}: {line.name} is neither a DATE, nor with a TZID, nor UTC: {line.raw!r}")
    return "floating", None


def _event_rules(event: Component, seen_uids: set[str], problems: list[str]) -> None:
    uids = event.all("UID")
    uid = uids[0].value if uids else "?"
    where = f"VEVENT {uid}"
    if len(uids) != 1 or not uid:
        problems.append(f"{where}: needs exactly one non-empty UID (has {len(uids)})")
    elif uid in seen_uids:
        problems.append(f"UID {uid} appears twice in the feed")
    seen_uids.add(uid)
    stamps = event.all("DTSTAMP")
    if len(stamps) != 1:
        problems.append(f"{where}: needs exactly one DTSTAMP (has {len(stamps)})")
    elif not UTC_STAMP.match(stamps[0].value):
        problems.append(f"{where}: DTSTAMP must be UTC (…Z), not {stamps[0].value!r}")
    modified = event.first("LAST-MODIFIED")
    if modified and not UTC_STAMP.match(modified.value):
        problems.append(f"{where}: LAST-MODIFIED must be UTC (…Z), not {modified.value!r}")
    sequence = event.first("SEQUENCE")
    if sequence and not sequence.value.isdigit():
        problems.append(f"{where}: SEQUENCE must be a non-negative integer, not {sequence.value!r}")
    status = event.first("STATUS")
    if status and status.value not in STATUSES:
        problems.append(f"{where}: STATUS {status.value!r} is not one of {sorted(STATUSES)}")
    url = event.first("URL")
    if url and not re.match(r"^https?://[^\s]+$", url.value):
        problems.append(f"{where}: URL must be an absolute http(s) URI, not {url.value!r}")
    for line in event.properties:
        if line.name in TEXT_PROPERTIES:
            _text_escaping(line, problems)
    starts, ends = event.all("DTSTART"), event.all("DTEND")
    if len(starts) != 1:
        problems.append(f"{where}: needs exactly one DTSTART (has {len(starts)})")
        return
    if len(ends) > 1 or (ends and event.first("DURATION")):
        problems.append(f"{where}: at most one DTEND, and not together with DURATION")
        return
    start_kind, start = _moment(starts[0], problems, where)
    if not ends:
        return
    end_kind, end = _moment(ends[0], problems, where)
    if start is None or end is None:
        return
    if (start_kind == "date") != (end_kind == "date"):
        problems.append(f"{where}: DTSTART and DTEND must both be DATE or both DATE-TIME")
        return
    if start_kind == end_kind and end <= start:
        problems.append(f"{where}: DTEND {ends[0].value} is not after DTSTART {starts[0].value}")
    if start_kind == end_kind == "local" and starts[0].params.get("TZID") == ends[0].params.get("TZID"):
        # An evening across midnight keeps its times; 24 hours or more is whole days (timeutil.ALL_DAY_AT_LEAST).
        if start.date() != (end - timedelta(microseconds=1)).date() and end - start >= timedelta(hours=24):
            problems.append(f"{where}: a timed event over several days ({starts[0].value} → {ends[0].value});"
                            " multi-day activities must be all-day events")
    for alarm in (c for c in event.children if c.name == "VALARM"):
        for name in ("ACTION", "TRIGGER"):
            if alarm.first(name) is None:
                problems.append(f"{where}: VALARM without {name}")
        if alarm.first("ACTION") and alarm.first("ACTION").value == "DISPLAY" and not alarm.first("DESCRIPTION"):
            problems.append(f"{where}: a DISPLAY VALARM needs a DESCRIPTION")


# --- two independent parsers ---------------------------------------------------------------

def _normal(moment):
    if isinstance(moment, datetime):
        return moment.astimezone(UTC) if moment.tzinfo is not None else moment
    return moment


def _status(value) -> str:
    if value is None:
        return ""
    return str(getattr(value, "value", value)).upper()


def _with_icalendar(body: bytes, problems: list[str]) -> dict[str, icalendar.Event] | None:
    try:
        calendar = icalendar.Calendar.from_ical(body)
    except Exception as error:  # any failure is the finding
        problems.append(f"icalendar cannot parse the feed: {error!r}")
        return None
    for component in calendar.walk():
        for prop, message in component.errors:
            problems.append(f"icalendar: {component.name} {prop}: {message}")
    return {str(e["UID"]): e for e in calendar.walk("VEVENT") if "UID" in e}


def _icalendar_key(event: icalendar.Event) -> tuple:
    end = event.decoded("DTEND") if "DTEND" in event else None
    return (str(event["UID"]), str(event.get("SUMMARY", "")), _normal(event.decoded("DTSTART")), _normal(end),
            _status(event.get("STATUS")))


def _ical_keys(body: bytes, problems: list[str]) -> set[tuple] | None:
    try:
        calendar = IcsCalendarStream.calendar_from_ics(body.decode("utf-8", "replace"))
    except Exception as error:  # any failure is the finding
        problems.append(f"ical cannot parse the feed: {str(error)[:500]}")
        return None
    return {(e.uid, e.summary or "", _normal(e.dtstart), _normal(e.dtend), _status(e.status))
            for e in calendar.events}


def _examine(body: bytes) -> tuple[list[str], list[FeedEvent]]:
    problems: list[str] = []
    if not isinstance(body, bytes):
        return ["the feed must be bytes"], []
    calendar = _components(_unfold(_physical_lines(body, problems)), problems)
    if calendar is None:
        return problems, []
    _calendar_rules(calendar, problems)
    defined = _timezones(calendar, problems)
    used = {line.params["TZID"] for part in _walk(calendar) if part.name != "VTIMEZONE"
            for line in part.properties if "TZID" in line.params}
    for tzid in sorted(used - defined):
        problems.append(f"TZID={tzid} is used but the feed has no VTIMEZONE for it")
    raw_events = [c for c in calendar.children if c.name == "VEVENT"]
    seen: set[str] = set()
    for event in raw_events:
        _event_rules(event, seen, problems)

    parsed = _with_icalendar(body, problems)
    other = _ical_keys(body, problems)
    if parsed is None or other is None:
        return problems, []
    try:
        mine = {_icalendar_key(e) for e in parsed.values()}
    except Exception as error:
        problems.append(f"icalendar cannot decode the events: {error!r}")
        return problems, []
    if mine != other:
        problems.append("icalendar and ical read different events:\n"
                        f"    only icalendar: {sorted(map(str, mine - other))}\n"
                        f"    only ical: {sorted(map(str, other - mine))}")
    if len(parsed) != len(raw_events):
        problems.append(f"icalendar read {len(parsed)} events with a UID, the feed has {len(raw_events)}")
    events = []
    for raw in raw_events:
        uid = raw.first("UID").value if raw.first("UID") else ""
        component = parsed.get(uid)
        if component is None:
            continue
        key = _icalendar_key(component)
        sequence = raw.first("SEQUENCE")
        events.append(FeedEvent(
            uid=uid, summary=key[1], start=key[2], end=key[3], status=key[4],
            sequence=int(sequence.value) if sequence and sequence.value.isdigit() else 0,
            stamp=raw.first("DTSTAMP").value if raw.first("DTSTAMP") else "",
            component=raw, parsed=component,
        ))
    return problems, events
