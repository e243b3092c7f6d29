"""Keeping "last seen" costs a page nothing but on a device's first request of a Beijing day (web.signin.load_user):
an ordinary page's statements are the same on the day's second request as for a device that has just logged in.
Times are set from the request's own clock, so the test holds at any hour."""
from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from shequ_volunteer.accounts.models import LoginSession
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import local_midnight, local_today, utcnow
from tests import factories as f
from tests.support.statements import counting_statements


def statements(client, url: str) -> int:
    db.session.remove()  # a fresh session per request, like a real worker
    with counting_statements() as sent:
        assert client.get(url).status_code == 200
    return len(sent)


def last_seen(person_id: int, when) -> None:
    db.session.execute(update(LoginSession).where(LoginSession.user_id == person_id).values(last_seen_at=when))
    db.session.commit()


def test_an_ordinary_page_costs_the_same_after_the_first_request_of_the_day(app):
    person = f.user(f.community())
    client, person_id = f.logged_in(app, person), person.id
    url = "/me/activities"
    just_logged_in = statements(client, url)

    today = local_midnight(local_today(utcnow()))
    last_seen(person_id, today)  # seen at the day's first instant: nothing to write
    assert statements(client, url) == just_logged_in

    last_seen(person_id, today - timedelta(seconds=1))  # seen yesterday: this request writes "last seen" once
    first = statements(client, url)
    second = statements(client, url)
    print(f"statements: just logged in {just_logged_in}, day's first request {first}, second {second}")
    assert first > just_logged_in
    assert second == just_logged_in
