"""GET /healthz: 200 `ok` with the database reachable, 503 without it, and cheap enough to poll."""
from __future__ import annotations

import pytest

from shequ_volunteer.extensions import db
from tests import factories as f
from tests.conftest import make_app
from tests.support.statements import counting_statements


def statements_of(client, url: str) -> tuple[object, list[str]]:
    with counting_statements() as statements:
        return client.get(url), statements


def test_ok_when_the_database_answers(app, client):
    response = client.get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "ok")
    assert response.mimetype == "text/plain"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_one_statement_and_no_login_even_for_a_signed_in_person(app):
    """No user loaded, no session read from the database, no template: a poll costs `SELECT 1`."""
    client = f.logged_in(app, f.staff(f.community()), through_form=False)
    response, statements = statements_of(client, "/healthz")
    assert response.status_code == 200
    # (SQLite's connections say BEGIN themselves: see database.configure_engine.)
    assert [statement for statement in statements if statement != "BEGIN"] == ["SELECT 1"]
    assert "Set-Cookie" not in response.headers


def test_a_post_is_not_a_health_check(app, client):
    assert client.post("/healthz").status_code == 405


@pytest.mark.parametrize("unreachable", [
    "sqlite:////nonexistent-directory/for/shequ/health.db",  # SQLite cannot create a file there
    "postgresql+psycopg://postgres@127.0.0.1:1/shequ",  # nothing listens on port 1
], ids=["sqlite-missing-directory", "postgresql-refused"])
def test_unavailable_when_the_database_is_unreachable(unreachable, caplog):
    broken = make_app(unreachable)
    response = broken.test_client().get("/healthz")
    assert (response.status_code, response.get_data(as_text=True)) == (503, "unavailable")
    assert response.headers["Cache-Control"] == "no-store"
    assert "database unreachable" in caplog.text
    with broken.app_context():
        db.engine.dispose()
