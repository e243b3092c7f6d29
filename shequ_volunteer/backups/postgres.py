"""PostgreSQL: pg_dump (custom format) from an exported snapshot, pg_restore back."""
from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import URL, Engine

from ..refusals import Refused
from .tables import count_rows

MAGIC = b"PGDMP"


def client_tool(name: str) -> str:
    """The path of pg_dump or pg_restore, or a refusal that says what to install."""
    path = shutil.which(name)
    if path is None:
        raise Refused(
            f"找不到 {name}。PostgreSQL 的备份和恢复要用它：请安装 PostgreSQL 客户端工具"
            f"（Debian/Ubuntu：sudo apt install postgresql-client），版本不低于数据库服务器。"
            f" / {name} not found: install the PostgreSQL client tools (Debian package postgresql-client),"
            f" the server's version or newer."
        )
    return path


def libpq_url(url: URL) -> tuple[str, dict[str, str]]:
    """The SQLAlchemy URL as libpq reads it (`postgresql+psycopg://` → `postgresql://`), and the
    password apart, for PGPASSWORD: a password on a command line is visible to every user in `ps`."""
    # (URL.set(password=None) would keep the password: None means "unchanged" there.)
    plain = URL.create("postgresql", username=url.username, host=url.host, port=url.port, database=url.database,
                       query=url.query).render_as_string(hide_password=False)
    return plain, ({"PGPASSWORD": str(url.password)} if url.password else {})


def _run(command: list[str], env: dict[str, str]) -> None:
    result = subprocess.run(command, env={**os.environ, **env}, capture_output=True, text=True)
    if result.returncode != 0:
        tool = Path(command[0]).name
        raise Refused(f"{tool} 出错 / {tool} failed ({result.returncode})：{result.stderr.strip()}")


def dump(engine: Engine, target: Path) -> dict[str, int]:
    """pg_dump into `target`; every table's rows, counted in the snapshot pg_dump was given.

    One repeatable-read transaction exports its snapshot, counts the rows in it and stays open while
    pg_dump (`--snapshot`) copies exactly the same state; writers are never blocked.
    """
    tool = client_tool("pg_dump")
    conninfo, env = libpq_url(engine.url)
    with engine.connect() as connection:
        connection = connection.execution_options(isolation_level="REPEATABLE READ")
        snapshot = connection.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        rows = count_rows(connection)
        _run([tool, "--format=custom", f"--snapshot={snapshot}", f"--file={target}", f"--dbname={conninfo}"], env)
        connection.rollback()
    return rows


def load(engine: Engine, backup: Path) -> None:
    """pg_restore in one transaction: the tables in the backup are dropped if present and rebuilt."""
    tool = client_tool("pg_restore")
    conninfo, env = libpq_url(engine.url)
    engine.dispose()  # our own pooled connections would hold locks the DROPs wait for
    _run([tool, "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
          f"--dbname={conninfo}", str(backup)], env)
