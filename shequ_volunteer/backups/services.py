"""Take a backup, restore one: the use cases behind `flask backup` and `flask restore`."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from ..refusals import Refused
from . import postgres, sqlite
from .files import PARTIAL, SUFFIXES, finish, new_path, private_directory, prune
from .tables import count_rows

_KINDS = {"sqlite": sqlite, "postgresql": postgres}
LABELS = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
VERSION_TABLE = "alembic_version"


@dataclass
class Written:
    path: Path
    size: int
    rows: dict[str, int]  # every table's rows in the snapshot that was copied
    deleted: list[Path] = field(default_factory=list)


@dataclass
class Restored:
    rows: dict[str, int]
    version: str | None  # the restored database's Alembic revision


def _kind(engine: Engine) -> str:
    if engine.dialect.name not in _KINDS:
        raise Refused(f"不支持这种数据库 / unsupported database: {engine.dialect.name}")
    return engine.dialect.name


def take_backup(engine: Engine, directory: Path, now: datetime, keep: int) -> Written:
    """Write a consistent copy into `directory` named with `now` (UTC); keep the newest `keep` of this kind."""
    kind = _kind(engine)
    final = new_path(private_directory(directory), now, SUFFIXES[kind])
    partial = final.with_name(final.name + PARTIAL)
    try:
        rows = (sqlite.copy if kind == "sqlite" else postgres.dump)(engine, partial)
        finish(partial, final)
    finally:
        partial.unlink(missing_ok=True)
    deleted = prune(directory, SUFFIXES[kind], keep)
    return Written(final, final.stat().st_size, rows, deleted)


def rows_in_use(engine: Engine, tables: list[str]) -> dict[str, int]:
    """The application's tables that hold rows, and how many (a database with no tables holds none)."""
    with engine.connect() as connection:
        present = set(inspect(connection).get_table_names())
        counts = count_rows(connection, [table for table in tables if table in present])
    return {table: rows for table, rows in counts.items() if rows}


def restore(engine: Engine, backup: Path, app_tables: list[str], force: bool = False) -> Restored:
    """Restore `backup` into the configured database, which must be empty unless `force`."""
    kind = _kind(engine)
    module = _KINDS[kind]
    with open(backup, "rb") as handle:
        if not handle.read(len(module.MAGIC)) == module.MAGIC:
            raise Refused(f"这不是 {LABELS[kind]} 数据库的备份文件 / {backup.name} is not a {LABELS[kind]} backup")
    if not force and (in_use := rows_in_use(engine, app_tables)):
        listed = "，".join(f"{table} {rows} 行" for table, rows in list(in_use.items())[:5])
        raise Refused(f"数据库里已经有数据（{listed}）。要用备份覆盖其中的全部数据，请加 --force。"
                      f" / The database is not empty: add --force to overwrite everything in it.")
    engine.dispose()
    module.load(engine, backup)
    engine.dispose()  # connections opened before the restore may cache the old schema
    with engine.connect() as connection:
        rows = count_rows(connection)
        version = None
        if VERSION_TABLE in rows:
            version = connection.exec_driver_sql(f"SELECT version_num FROM {VERSION_TABLE}").scalar()
    return Restored(rows, version)
