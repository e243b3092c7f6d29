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
