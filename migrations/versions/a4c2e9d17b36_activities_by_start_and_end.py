"""activities indexed by start and end: the list of what is not over yet skips the ended ones in the index

Revision ID: a4c2e9d17b36
Revises: 8e3b5d2c7a41
Create Date: 2026-12-05 03:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'a4c2e9d17b36'
down_revision = '8e3b5d2c7a41'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        # The composite serves what the starts_at index served (its first column); the home page's list walks it in
        # order from a month back and tests ends_at on the index entry, not on the row (issue 15: without it the
        # ~850 ended activities of that month cost a row fetch each, wherever two years of history put them).
        batch_op.create_index('ix_activities_starts_ends', ['starts_at', 'ends_at'], unique=False)
        batch_op.drop_index('ix_activities_starts_at')


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index('ix_activities_starts_at', ['starts_at'], unique=False)
        batch_op.drop_index('ix_activities_starts_ends')
