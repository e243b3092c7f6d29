"""Many logged-in people acting at the same instant against a live server."""
from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import requests

from tests import factories as f

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@dataclass
class Person:
    """A browser-like session with the CSRF token of its pages."""

    phone: str
    session: requests.Session
    token: str


def log_in(base_url: str, phone: str) -> Person:
    """Log in through the real form and keep the session's CSRF token."""
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base_url}/login", timeout=30).text).group(1)
    answer = session.post(
        f"{base_url}/login", data={"phone": phone, "password": f.PASSWORD, "csrf_token": token},
        allow_redirects=False, timeout=30,
    )
    assert answer.status_code == 303, answer.text[:300]
    page = session.get(f"{base_url}/me/activities", timeout=30).text
    return Person(phone, session, TOKEN.search(page).group(1))


def log_in_all(base_url: str, phones: list[str]) -> list[Person]:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(lambda phone: log_in(base_url, phone), phones))


def at_once(people: list[Person], send) -> list[requests.Response]:
    """Call send(person) for everyone in their own thread, released by one barrier."""
    barrier = threading.Barrier(len(people))

    def go(person: Person):
        barrier.wait()
        return send(person)

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        return list(pool.map(go, people))


def post(base_url: str, person: Person, path: str, **fields) -> requests.Response:
    return person.session.post(f"{base_url}{path}", data={"csrf_token": person.token, **fields},
                               allow_redirects=False, timeout=120)


def close_all(people: list[Person]) -> None:
    for person in people:
        person.session.close()
