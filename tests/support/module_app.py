"""One app per test module, for modules with hundreds of small tests (the pairing matrices).

Import `shared_module_app` and `per_test_app` into the module: they replace conftest's per-test `app`
fixture (they are registered under the names `_module_app` and `app`). `one_commit` builds a test
world with a single commit.
"""
from __future__ import annotations

from contextlib import contextmanager

import pytest

from shequ_volunteer.extensions import db
from tests.conftest import make_app, wipe

# A throwaway database needs no durability: PostgreSQL commits need not wait for the disk.
FAST_COMMITS = {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True,
                                              "connect_args": {"options": "-c synchronous_commit=off"}}}


@pytest.fixture(scope="module", name="_module_app")
def shared_module_app(_migrated):
    """One app for the module: routes, compiled templates and SQL are built once, not per test."""
    shared = make_app(_migrated, **FAST_COMMITS) if _migrated.startswith("postgresql") else make_app(_migrated)
    yield shared
    with shared.app_context():
        db.engine.dispose()


@pytest.fixture(name="app")
def per_test_app(_module_app):
    """As conftest's `app` (empty tables, app context pushed), on the module's app."""
    wipe(_module_app)
    with _module_app.app_context():
        yield _module_app
        db.session.remove()


@contextmanager
def one_commit():
    """The factories commit after every row; while a world is built each of those commits is only a
    flush, and the world is committed once at the end (a commit per row doubles the run on PostgreSQL)."""
    session = db.session()
    session.commit = session.flush
    try:
        yield
    finally:
        del session.commit
    db.session.commit()
