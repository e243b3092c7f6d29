"""feed versions (one row per calendar feed that changed) and a team's activities by start

Revision ID: 5c1f0e7a9b2d
Revises: c2b20b4dd7a9
Create Date: 2026-12-04 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5c1f0e7a9b2d'
down_revision = 'c2b20b4dd7a9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('feed_versions',
    sa.Column('scope', sa.String(length=12), nullable=False),
    sa.Column('scope_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(), nullable=False),
    sa.Column('turns', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('scope', 'scope_id', name=op.f('pk_feed_versions'))
    )
    with op.batch_alter_table('activities', schema=None) as batch_op:
        # The composite serves what the team_id index served (its first column), and a window of one team.
        batch_op.create_index('ix_activities_team_starts_at', ['team_id', 'starts_at'], unique=False)
        batch_op.drop_index(batch_op.f('ix_activities_team_id'))


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activities_team_id'), ['team_id'], unique=False)
        batch_op.drop_index('ix_activities_team_starts_at')
    op.drop_table('feed_versions')
