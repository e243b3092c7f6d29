"""Engine set-up: SQLite pragmas, write transactions that take the lock up front, the locks that
serialise a check and the write after it on PostgreSQL, and integrity errors turned into refusals."""
from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable

from sqlalchemy import UniqueConstraint, event, select, text
from sqlalchemy.engine import Engine, Row
from sqlalchemy.exc import IntegrityError, OperationalError

from .extensions import db
from .refusals import refusal_for

WRITE_OPTION = "shequ_write"
# The value of WRITE_OPTION for a write that may be skipped (`write_if_free`): on SQLite it waits this long for
# the lock, not busy_timeout's 5 seconds, so bookkeeping never holds up a page while another writer works.
SKIPPABLE = "skippable"
SKIPPABLE_WAIT_MS = 100
BUSY_TIMEOUT_MS = 5000


def configure_engine(engine: Engine) -> None:
    """Apply the SQLite defaults; on both, turn a known violation into its refusal."""
    event.listen(engine, "handle_error", _violation_as_refusal)
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that later writes can fail with SQLITE_BUSY
        # instead of waiting; write transactions therefore lock at BEGIN.
        options = connection.get_execution_options()
        if options.get("isolation_level") == "AUTOCOMMIT":
            return  # read_alone: each statement is its own transaction
        write = options.get(WRITE_OPTION)
        if write == SKIPPABLE:
            connection.exec_driver_sql(f"PRAGMA busy_timeout={SKIPPABLE_WAIT_MS}")
            try:
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            finally:
                connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        elif write:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            connection.exec_driver_sql("BEGIN")


def begin_write_transaction() -> None:
    """Start the session's transaction as a write (BEGIN IMMEDIATE on SQLite).

    Called before anything else touches the session in a state-changing request.
    If a transaction is already open (tests, CLI) it is kept as it is.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={WRITE_OPTION: True})


def holds_write_lock() -> bool:
    """Whether the session's open transaction began as a write (begin_write_transaction, lock_for_writes)."""
    session = db.session()
    return session.in_transaction() and bool(session.connection().get_execution_options().get(WRITE_OPTION))


def write_if_free(write: Callable[[], None]) -> bool:
    """A small write a request may go without (bookkeeping on a read page); False when it was skipped.

    In the request's transaction when that already holds the write lock (a POST: committed with it). Otherwise
    in a short transaction of its own: the read begun so far is ended (a SQLite read snapshot must not be upgraded
    to a write), and if another writer holds the lock past SKIPPABLE_WAIT_MS the write is given up, never the page.
    """
    if holds_write_lock():
        write()
        return True
    db.session.rollback()
    try:
        db.session.connection(execution_options={WRITE_OPTION: SKIPPABLE})
        write()
        db.session.commit()
        return True
    except OperationalError:  # SQLite: database is locked
        db.session.rollback()
        return False


def read_alone(statement, parameters: dict) -> Row | None:
    """The first row of one read statement, on a pooled connection of its own in autocommit: no session,
    no BEGIN and no ROLLBACK, so on PostgreSQL one round trip besides the pool's ping. For the paths that
    answer from a single lookup and are hit all day (a feed's 304); one statement sees one snapshot anyway.
    It does not see what the session has written and not committed."""
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return connection.execute(statement, parameters).first()


def lock_names(*names: str) -> None:
    """Serialise writers that share any of these names until the transaction ends, in every process:
    PostgreSQL transaction-level advisory locks (taken in a fixed order, so two callers cannot deadlock);
    on SQLite the write transaction (BEGIN IMMEDIATE) already admits one writer at a time."""
    if db.session.get_bind().dialect.name != "postgresql":
        return
    for name in sorted(set(names)):
        db.session.execute(text("SELECT pg_advisory_xact_lock(hashtextextended(:name, 0))"), {"name": name})


def takes_write_lock_itself(view):
    """Mark a POST view that must not start with the write lock.

    Every other POST begins with BEGIN IMMEDIATE (see lock_for_writes); a view
    marked here does slow read-only work first and calls begin_write_transaction()
    itself when it is ready to write, or never writes at all.
    """
    view.takes_write_lock_itself = True
    return view


def writes_on_get(view):
    """Mark a GET view that writes (the household access log): it locks at BEGIN like a POST,
    so a SQLite read snapshot is never refused the upgrade to a write."""
    view.writes_on_get = True
    return view


def lock_for_writes(app) -> None:
    """State-changing requests lock at BEGIN, unless the view says otherwise."""
    from flask import request

    @app.before_request
    def _lock_for_writes():
        view = app.view_functions.get(request.endpoint)
        posts = request.method == "POST" and not getattr(view, "takes_write_lock_itself", False)
        if posts or getattr(view, "writes_on_get", False):
            begin_write_transaction()


# SQLite names the columns, not the index: "UNIQUE constraint failed: pairing_helpers.pairing_id, ..."
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the constraint or unique index an IntegrityError broke, on either database."""
    diag = getattr(error.orig, "diag", None)
    if diag is not None:  # psycopg
        return diag.constraint_name
    found = _SQLITE_UNIQUE.search(str(error.orig))
    if not found:
        return None
    columns = [part.strip().split(".", 1) for part in found.group(1).split(",")]
    table = db.metadata.tables.get(columns[0][0])
    wanted = {column for _, column in columns}
    if table is None:
        return None
    uniques = [index for index in table.indexes if index.unique]
    uniques += [c for c in table.constraints if isinstance(c, UniqueConstraint)]
    for unique in uniques:
        if {column.name for column in unique.columns} == wanted:
            return str(unique.name)
    return None


def _violation_as_refusal(context):
    """The one place an IntegrityError becomes what the person is told: the refusal registered for the
    constraint (`refusals.refuse_violation`), raised from the flush or commit instead of the error. A
    check before the write says the same words, so losing a race reads exactly like being second."""
    error = context.sqlalchemy_exception
    if isinstance(error, IntegrityError):
        return refusal_for(violated_constraint(error))
    return None


def lock_row(model, row_id: int) -> None:
    """Serialise changes that start from one row (a household's pairings, a team's memberships, ...).

    PostgreSQL: SELECT ... FOR NO KEY UPDATE, then forget what the session had loaded, so the check
    that follows reads what the previous holder committed. NO KEY UPDATE, not FOR UPDATE: rows that
    refer to this one (an access-log row of the household, written before the lock) hold KEY SHARE on
    it, which FOR UPDATE would wait for in both directions (a deadlock). SQLite ignores the clause: the
    request already holds the database's write lock (BEGIN IMMEDIATE), which serialises everything.
    """
    db.session.execute(select(model.id).where(model.id == row_id).with_for_update(key_share=True))
    if db.session.get_bind().dialect.name != "sqlite":
        db.session.expire_all()
