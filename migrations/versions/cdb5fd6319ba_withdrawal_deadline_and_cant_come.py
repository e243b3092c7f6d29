"""withdrawal deadline and cant-come

Revision ID: cdb5fd6319ba
Revises: 7827973b3768
Create Date: 2026-11-22 07:55:27.565388

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'cdb5fd6319ba'
down_revision = '7827973b3768'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdraw_deadline', sa.DateTime(), nullable=True))

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('cant_come_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('cant_come_at')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('withdraw_deadline')

