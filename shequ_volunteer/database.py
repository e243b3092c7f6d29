"""Engine set-up: SQLite pragmas and write transactions that take the lock up front."""
from __future__ import annotations

import sqlite3

from sqlalchemy import event, text
from sqlalchemy.engine import Engine

from .extensions import db

WRITE_OPTION = "shequ_write"


def configure_engine(engine: Engine) -> None:
    """Apply the SQLite defaults; PostgreSQL needs nothing here."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: sqlite3.Connection, _record) -> None:
        # Let SQLAlchemy's "begin" event below emit BEGIN itself.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that later writes can fail with SQLITE_BUSY
        # instead of waiting; write transactions therefore lock at BEGIN.
        if connection.get_execution_options().get(WRITE_OPTION):
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
