"""SQLite: the online backup API, from one read transaction, in both directions."""
from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from ..refusals import Refused
from .tables import count_rows

MAGIC = b"SQLite format 3\x00"


def database_file(engine: Engine) -> Path:
    name = engine.url.database
    if not name or name == ":memory:":
        raise Refused("这个数据库不在文件里，无法备份 / the database is not a file")
    return Path(name)


def _checked(connection: sqlite3.Connection, what: str) -> None:
    if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
        raise Refused(f"{what}已损坏 / {what} is damaged (PRAGMA quick_check)")


def copy(engine: Engine, target: Path) -> dict[str, int]:
    """Copy the database into `target`; every table's rows, counted in the snapshot that was copied.

    The counts open a read transaction (WAL: writers carry on), and the backup API, run on that same
    connection in one step, copies exactly that snapshot.
    """
    database_file(engine)
    with engine.connect() as connection:
        rows = count_rows(connection)
        copied = sqlite3.connect(target)
        try:
            connection.connection.driver_connection.backup(copied)
            # One self-contained file (no -wal beside it), checked before it is called a backup.
            copied.execute("PRAGMA journal_mode=DELETE")
            _checked(copied, "备份 / backup ")
        finally:
            copied.close()
        connection.rollback()
    return rows


def load(engine: Engine, backup: Path) -> None:
    """Copy the backup over the configured database file, page by page, under the write lock."""
    target_file = database_file(engine)
    target_file.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(backup.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        _checked(source, "备份文件 / backup file ")
        target = sqlite3.connect(target_file, timeout=5)
        try:
            source.backup(target)
        finally:
            target.close()
    finally:
        source.close()
