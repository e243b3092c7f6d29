"""Helpers for the HTTP-level tests: the htmx headers, reading forms back out of HTML, DB snapshots.

A signed-in client is `tests.factories.logged_in(app, person)`.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

from sqlalchemy import select

from shequ_volunteer.extensions import db

HX = {"HX-Request": "true"}
HX_BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}

_HAN = re.compile(r"[\u4e00-\u9fff]{2,}")
_CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')
_BODY_TAG = re.compile(r"<body\b[^>]*>")


def text(response) -> str:
    return response.get_data(as_text=True)


def has_chinese(body: str) -> bool:
    """At least one run of two Han characters: a message a person can read."""
    return _HAN.search(body) is not None


def csrf_from_form(body: str) -> str:
    """The token of the first hidden csrf_token input."""
    match = _CSRF_INPUT.search(body)
    assert match, "no csrf_token input on the page"
    return match.group(1)


def csrf_from_body_headers(body: str) -> str:
    """The token htmx sends: the X-CSRFToken in hx-headers on <body>."""
    match = _BODY_TAG.search(body)
    assert match, "no <body> tag"
    reader = _TagAttributes()
    reader.feed(match.group(0))
    headers = json.loads(reader.attrs.get("hx-headers") or "{}")
    assert headers.get("X-CSRFToken"), "no X-CSRFToken in hx-headers on <body>"
    return headers["X-CSRFToken"]


class _TagAttributes(HTMLParser):
    def __init__(self):
        super().__init__()
        self.attrs: dict[str, str] = {}

    def handle_starttag(self, tag, attrs):
        self.attrs = {name: value or "" for name, value in attrs}


def session_login(client, user, password: str) -> None:
    """Log in the way a browser does with CSRF on: read the token off /login, post it back."""
    page = client.get("/login")
    assert page.status_code == 200
    response = client.post("/login", data={
        "phone": user.phone, "password": password, "csrf_token": csrf_from_form(text(page)),
    })
    assert response.status_code == 303, text(response)[:500]


# Signing a test client in writes a device row (and refreshes its "last seen"): who is signed in where,
# not what an action changed. Devices have tests of their own (tests/web/test_devices.py).
NOT_STATE = {"login_sessions"}


def db_state() -> dict[str, list[tuple]]:
    """Every committed row of every table, in primary-key order.

    The session is rolled back first: in tests the requests share the test's
    app context and session, and a refused request (403/404) may leave an
    uncommitted transaction open, which production would discard at teardown.
    """
    db.session.rollback()
    state = {}
    for table in db.metadata.sorted_tables:
        if table.name in NOT_STATE:
            continue
        rows = db.session.execute(select(table).order_by(*table.primary_key.columns)).all()
        state[table.name] = [tuple(row) for row in rows]
    db.session.rollback()
    return state


def row_count(model) -> int:
    db.session.rollback()
    return len(db.session.execute(select(model.__table__)).all())


class _FormReader(HTMLParser):
    """Collects, per element id, the value a form control shows and its field message."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.values: dict[str, str] = {}
        self.messages: dict[str, str] = {}
        self.invalid: dict[str, str] = {}
        self._capture: tuple[str, str] | None = None  # (kind, id)
        self._select: str | None = None
        self._option_value: str | None = None
        self._buffer: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        element_id = attrs.get("id")
        if tag == "input" and element_id:
            self.values[element_id] = attrs.get("value") or ""
            self.invalid[element_id] = attrs.get("aria-invalid", "")
        elif tag == "textarea" and element_id:
            self.invalid[element_id] = attrs.get("aria-invalid", "")
            self._capture, self._buffer = ("value", element_id), []
        elif tag == "select" and element_id:
            self.invalid[element_id] = attrs.get("aria-invalid", "")
            self._select = element_id
            self.values.setdefault(element_id, "")
        elif tag == "option" and self._select and "selected" in attrs:
            self.values[self._select] = attrs.get("value") or ""
        elif tag == "p" and element_id and element_id.endswith("-msg"):
            self._capture, self._buffer = ("message", element_id[: -len("-msg")]), []

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        if self._capture and tag in ("textarea", "p"):
            kind, element_id = self._capture
            content = "".join(self._buffer)
            if kind == "value":
                # The textarea widget puts a newline after the opening tag.
                self.values[element_id] = content[2:] if content.startswith("\r\n") else content
            else:
                self.messages[element_id] = content
            self._capture = None

    def handle_data(self, data):
        if self._capture:
            self._buffer.append(data)


def read_form(body: str) -> _FormReader:
    reader = _FormReader()
    reader.feed(body)
    reader.close()
    return reader


def roster_row(body: str, signup_id: int) -> str:
    """One person's row of the attendance roster (activities/attendance.html), up to the next row."""
    start = body.index(f'id="signup-{signup_id}"')
    end = body.find('class="application"', start)
    return body[start:end if end >= 0 else len(body)]
