"""The schema built by the migrations is the schema the models describe."""
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from shequ_volunteer.extensions import db


def test_migrated_schema_matches_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_capacity_guard_is_in_the_database(app):
    """The CHECK constraint exists in the migrated schema, not only in the model."""
    checks = inspect(db.engine).get_check_constraints("activities")
    texts = " ".join(c["sqltext"] for c in checks)
    assert "seats_taken <= capacity" in texts


def test_sqlite_tables_others_refer_to_can_be_changed_with_their_rows(tmp_path):
    """SQLite rebuilds a changed table (copy, drop, rename); with foreign keys on, dropping `users` while
    sign-ups and memberships refer to it fails. migrations/env.py turns them off for the migration and
    checks every reference afterwards."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'populated.db'}")
    with app.app_context():
        upgrade(revision="b9a2439d31a7")  # the audit table, before users gained the administrator
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO communities (id, name, hotline) VALUES (1, '幸福里社区', '')"))
            conn.execute(text("INSERT INTO users (id, community_id, phone, name, password_hash, role, created_at) "
                              "VALUES (1, 1, '13800000001', '王芳', 'x', 'staff', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO teams (id, community_id, name, kind, description, created_at, updated_at)"
                              " VALUES (1, 1, '青年志愿服务队', 'youth', '', '2026-11-01', '2026-11-01')"))
            conn.execute(text("INSERT INTO memberships (team_id, user_id, status, role, created_at) "
                              "VALUES (1, 1, 'approved', 'leader', '2026-11-01 00:00:00')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name, role, community_id, street_id FROM users")).all() == [
                ("王芳", "staff", 1, None)]
            assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()
