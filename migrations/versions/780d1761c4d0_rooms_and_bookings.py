"""rooms and bookings

Revision ID: 780d1761c4d0
Revises: 7b7ed5c7af26
Create Date: 2026-11-22 08:21:31.662772

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '780d1761c4d0'
down_revision = '7b7ed5c7af26'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('equipment', sa.String(length=200), nullable=False),
    sa.CheckConstraint('capacity > 0', name=op.f('ck_rooms_capacity_positive')),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_rooms_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_rooms'))
    )
    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rooms_community_id'), ['community_id'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('room_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_activities_room_id'), ['room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_activities_room_id_rooms'), 'rooms', ['room_id'], ['id'])



def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_activities_room_id_rooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_activities_room_id'))
        batch_op.drop_column('room_id')

    with op.batch_alter_table('rooms', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rooms_community_id'))

    op.drop_table('rooms')
