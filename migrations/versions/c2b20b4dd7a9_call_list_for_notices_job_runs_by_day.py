"""The call list for notices too (phone_calls.notice_id; each call about one activity or one notice); job_runs by day

Revision ID: c2b20b4dd7a9
Revises: 52b44947f2d5
Create Date: 2026-12-04 22:55:55.792471

"""
from alembic import op
import sqlalchemy as sa

# revision identifiers, used by Alembic.
revision = 'c2b20b4dd7a9'
down_revision = '52b44947f2d5'
branch_labels = None
depends_on = None

def upgrade():
    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.create_index('ix_job_runs_day', ['day'], unique=False)

    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.add_column(sa.Column('notice_id', sa.Integer(), nullable=True))
        batch_op.alter_column('activity_id',
               existing_type=sa.INTEGER(),
               nullable=True)
        batch_op.create_index('ix_phone_calls_notice_open', ['notice_id', 'called_at'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_phone_calls_notice_id_notices'), 'notices', ['notice_id'], ['id'])
        batch_op.create_check_constraint('about_one_thing', '(activity_id IS NULL) <> (notice_id IS NULL)')

def downgrade():
    op.execute('DELETE FROM phone_calls WHERE notice_id IS NOT NULL')  # the notices' lists go with the column
    with op.batch_alter_table('phone_calls', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_phone_calls_about_one_thing'), type_='check')
        batch_op.drop_constraint(batch_op.f('fk_phone_calls_notice_id_notices'), type_='foreignkey')
        batch_op.drop_index('ix_phone_calls_notice_open')
        batch_op.alter_column('activity_id',
               existing_type=sa.INTEGER(),
               nullable=False)
        batch_op.drop_column('notice_id')

    with op.batch_alter_table('job_runs', schema=None) as batch_op:
        batch_op.drop_index('ix_job_runs_day')

