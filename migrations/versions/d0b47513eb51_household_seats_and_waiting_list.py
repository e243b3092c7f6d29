"""household seats and waiting list

Revision ID: d0b47513eb51
Revises: 27ecfab0a086
Create Date: 2026-11-22 07:41:36.700973

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd0b47513eb51'
down_revision = '27ecfab0a086'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('max_seats_per_signup', sa.Integer(), server_default='1', nullable=False))
        batch_op.add_column(sa.Column('waitlist_enabled', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_check_constraint('max_seats_range', 'max_seats_per_signup BETWEEN 1 AND 10')

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queued_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('promoted_at', sa.DateTime(), nullable=True))
        batch_op.create_index('ix_signups_queue', ['activity_id', 'status', 'queued_at'], unique=False)



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_index('ix_signups_queue')
        batch_op.drop_column('promoted_at')
        batch_op.drop_column('queued_at')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint('ck_activities_max_seats_range', type_='check')
        batch_op.drop_column('waitlist_enabled')
        batch_op.drop_column('max_seats_per_signup')

