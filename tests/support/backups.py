"""Restore a backup into another database through `flask restore`, and read what it holds."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import text

from shequ_volunteer.activities.models import HOLDING_SEATS
from shequ_volunteer.backups.tables import count_rows
from shequ_volunteer.extensions import db
from tests.conftest import make_app


@contextmanager
def other_app(database_url: str):
    """An app on another database, its connections closed afterwards (PostgreSQL drops the database)."""
    app = make_app(database_url)
    try:
        yield app
    finally:
        with app.app_context():
            db.engine.dispose()


def restore(database_url: str, backup: Path, *args: str):
    """`flask restore FILE` into the database at `database_url`; the click result."""
    # Its own app context: the command would run in the test's (the `app` fixture's) if one is pushed.
    with other_app(database_url) as app, app.app_context():
        return app.test_cli_runner().invoke(args=["restore", str(backup), *args])


def rows_of(database_url: str) -> dict[str, int]:
    with other_app(database_url) as app, app.app_context(), db.engine.connect() as connection:
        return count_rows(connection)


def seat_ledger(database_url: str) -> list[tuple[int, int | None, int, int]]:
    """(activity, capacity, seats_taken, seats held by sign-ups) for every activity, read in one statement."""
    holding = ", ".join(f"'{status}'" for status in HOLDING_SEATS)
    query = text(
        "SELECT a.id, a.capacity, a.seats_taken, "
        f"(SELECT coalesce(sum(s.seats), 0) FROM signups s WHERE s.activity_id = a.id AND s.status IN ({holding})) "
        "FROM activities a ORDER BY a.id"
    )
    with other_app(database_url) as app, app.app_context(), db.engine.connect() as connection:
        return [tuple(row) for row in connection.execute(query)]
