"""recurring activity series

Revision ID: 73cb4edda6d2
Revises: 5e4d100a1edb
Create Date: 2026-11-22 08:04:19.490556

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '73cb4edda6d2'
down_revision = '5e4d100a1edb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('activity_series',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('rule_text', sa.String(length=200), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_activity_series_created_by_id_users')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_activity_series_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_activity_series'))
    )
    with op.batch_alter_table('activity_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_activity_series_team_id'), ['team_id'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('series_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activities_series_id'), ['series_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activities_series_id_activity_series'), 'activity_series', ['series_id'], ['id'])



def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activities_series_id_activity_series'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activities_series_id'))
        batch_op.drop_column('series_id')

    with op.batch_alter_table('activity_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_activity_series_team_id'))

    op.drop_table('activity_series')
