"""Row counts of every table, read on the connection (and so in the transaction) it is given."""
from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection


def count_rows(connection: Connection, tables: list[str] | None = None) -> dict[str, int]:
    """{table: rows} for `tables`, or for every table the database holds (alembic_version included)."""
    if tables is None:
        tables = sorted(inspect(connection).get_table_names())
    quote = connection.dialect.identifier_preparer.quote
    return {table: connection.execute(text(f"SELECT count(*) FROM {quote(table)}")).scalar_one()
            for table in tables}
