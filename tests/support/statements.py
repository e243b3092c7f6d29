"""Counting the SQL a piece of code sends: the one recorder the statement-count tests share."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from shequ_volunteer.extensions import db


@contextmanager
def counting_statements() -> Iterator[list[str]]:
    """Every SQL statement sent to the database while the block runs, in order."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
