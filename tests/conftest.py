"""Fixtures shared by the whole suite.

The database is real: a throwaway SQLite file by default, or a throwaway
PostgreSQL database with `--db=postgresql` (created here, dropped afterwards).
The schema always comes from the Alembic migrations, never from create_all().
"""
from __future__ import annotations

import os
import tempfile
import uuid
from contextlib import contextmanager
from pathlib import Path

import pytest

# Before the package is imported: keep the test run's secret key and files out of instance/.
_TMP = Path(tempfile.mkdtemp(prefix="shequ-tests-"))
os.environ["SHEQU_INSTANCE_DIR"] = str(_TMP / "instance")
os.environ.pop("DATABASE_URL", None)

from flask.testing import FlaskClient  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import text  # noqa: E402

from shequ_volunteer import create_app  # noqa: E402
from shequ_volunteer.extensions import db  # noqa: E402

PG_ADMIN_URL = os.environ.get("TEST_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
TEST_SECRET = "test-secret-key-not-for-production"


def pytest_addoption(parser):
    parser.addoption(
        "--db", default=os.environ.get("TEST_DB", "sqlite"), choices=("sqlite", "postgresql"),
        help="database the suite runs against",
    )


@pytest.fixture(scope="session")
def db_kind(pytestconfig) -> str:
    return pytestconfig.getoption("--db")


def _create_pg_database() -> tuple[str, callable]:
    import psycopg

    name = f"shequ_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')

    def drop() -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"{base}/{name}".replace("postgresql://", "postgresql+psycopg://", 1), drop


@pytest.fixture(scope="session")
def database_url(db_kind, tmp_path_factory):
    """A fresh, empty database for this test session."""
    if db_kind == "postgresql":
        url, drop = _create_pg_database()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.db'}"


def make_app(database_url: str, **overrides):
    """An app bound to the test database (CSRF off unless asked for)."""
    config = {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": database_url,
        "WTF_CSRF_ENABLED": False,
        "SERVER_NAME": "shequ.test",
    }
    config.update(overrides)
    app = create_app(config)
    app.test_client_class = IsolatedClient
    return app


class IsolatedClient(FlaskClient):
    """A test client whose every request runs in an app context of its own.

    The `app` fixture keeps an app context pushed for the whole test; without
    this, Flask would reuse it for requests, and `g` and the database session
    would outlive a request, which never happens under gunicorn.
    """

    def open(self, *args, **kwargs):
        with self.application.app_context():
            response = super().open(*args, **kwargs)
        if response.status_code == 200 and response.mimetype == "text/calendar" and response.request.method != "HEAD":
            from tests.support.ical_conformance import check_feed

            check_feed(decoded(response))  # every feed the suite builds must conform
        return response


def decoded(response) -> bytes:
    """The body as the app wrote it, before flask-compress (a client that sent Accept-Encoding)."""
    import gzip

    import brotli

    body = response.get_data()
    coding = response.headers.get("Content-Encoding")
    return {"gzip": gzip.decompress, "br": brotli.decompress}[coding](body) if coding else body


@pytest.fixture(scope="session")
def _migrated(database_url):
    """Run the migrations once per session on the empty database."""
    app = make_app(database_url)
    with app.app_context():
        upgrade()
        db.engine.dispose()
    return database_url


def wipe(app) -> None:
    """Empty every table, children first, so each test starts clean."""
    from flask import has_app_context

    if has_app_context():
        # An open read transaction would keep an old SQLite snapshot and then
        # be refused the write lock; end it before deleting underneath it.
        db.session.remove()
    with app.app_context():
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(text(f'DELETE FROM "{table.name}"'))


@contextmanager
def running_app(database_url: str, **overrides):
    """An app on empty tables with its app context pushed, cleaned up afterwards."""
    app = make_app(database_url, **overrides)
    wipe(app)
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


# `SHEQU_TEST_CLOCK=2028-02-28T23:30+08:00` (bin/test-clock) starts every test at that instant with
# time-machine, a real clock faker: datetime.now(), time.time() and friends all answer from it, ticking
# on from there. Tests that drive a separate server process keep the real clock, since the server's
# clock cannot follow the test's.
TEST_CLOCK = os.environ.get("SHEQU_TEST_CLOCK")


@pytest.fixture(autouse=True)
def _test_clock(request):
    if not TEST_CLOCK or "live_server" in request.fixturenames:
        yield
        return
    from datetime import datetime

    import time_machine

    with time_machine.travel(datetime.fromisoformat(TEST_CLOCK), tick=True):
        yield


def pytest_report_header(config):
    header = f"database: {config.getoption('--db')}"
    return header + (f"; clock starts every test at {TEST_CLOCK}" if TEST_CLOCK else "")


@pytest.fixture
def app(_migrated):
    with running_app(_migrated) as app:
        yield app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def live_server(_migrated):
    """The real app under gunicorn (4 processes × 4 threads) on the test database.

    Use together with the `app` fixture, which empties the tables before each test.
    """
    from tests.support.server import start_server

    server = start_server(_migrated)
    yield server
    server.stop()


@pytest.fixture
def empty_database(db_kind, tmp_path):
    """The URL of a second database with nothing in it, not even tables (where backups are restored)."""
    if db_kind == "postgresql":
        url, drop = _create_pg_database()
        yield url
        drop()
    else:
        yield f"sqlite:///{tmp_path / 'empty.db'}"


@pytest.fixture
def statements(app):
    """Every SQL statement the test sends from here on (tests.support.statements)."""
    from tests.support.statements import counting_statements

    with counting_statements() as seen:
        yield seen
