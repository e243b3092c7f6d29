"""approval-required sign-ups

Revision ID: 7d54aadfcd25
Revises: 780d1761c4d0
Create Date: 2026-11-22 08:25:48.942238

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7d54aadfcd25'
down_revision = '780d1761c4d0'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requires_approval', sa.Boolean(), server_default=sa.false(), nullable=False))



def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('requires_approval')

