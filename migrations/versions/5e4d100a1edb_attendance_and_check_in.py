"""attendance and check-in

Revision ID: 5e4d100a1edb
Revises: cdb5fd6319ba
Create Date: 2026-11-22 07:58:05.812912

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e4d100a1edb'
down_revision = 'cdb5fd6319ba'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('attendance_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=False),
    sa.Column('changed_by_id', sa.Integer(), nullable=False),
    sa.Column('via', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['changed_by_id'], ['users.id'], name=op.f('fk_attendance_changes_changed_by_id_users')),
    sa.ForeignKeyConstraint(['signup_id'], ['signups.id'], name=op.f('fk_attendance_changes_signup_id_signups')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attendance_changes'))
    )
    with op.batch_alter_table('attendance_changes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attendance_changes_signup_id'), ['signup_id'], unique=False)

    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attendance', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('checked_in_at', sa.DateTime(), nullable=True))



def downgrade():
    with op.batch_alter_table('signups', schema=None) as batch_op:
        batch_op.drop_column('checked_in_at')
        batch_op.drop_column('attendance')

    with op.batch_alter_table('attendance_changes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attendance_changes_signup_id'))

    op.drop_table('attendance_changes')
