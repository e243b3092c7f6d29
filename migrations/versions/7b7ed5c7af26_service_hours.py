"""service hours

Revision ID: 7b7ed5c7af26
Revises: 73cb4edda6d2
Create Date: 2026-11-22 08:15:36.259609

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b7ed5c7af26'
down_revision = '73cb4edda6d2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hours_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('minutes', sa.Integer(), nullable=False),
    sa.Column('served_on', sa.Date(), nullable=False),
    sa.Column('note', sa.String(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('minutes BETWEEN 0 AND 1440', name=op.f('ck_hours_entries_minutes_range')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_hours_entries_decided_by_id_users')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_hours_entries_entered_by_id_users')),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_hours_entries_signup_id_signups')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_hours_entries_team_id_teams')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_hours_entries_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_hours_entries'))
    )
    with op.batch_alter_table('hours_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hours_entries_team_id'), ['team_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_hours_entries_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('service_minutes', sa.Integer(), nullable=True))



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('service_minutes')

    with op.batch_alter_table('hours_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hours_entries_user_id'))
        batch_op.drop_index(batch_op.f('ix_hours_entries_team_id'))

    op.drop_table('hours_entries')
