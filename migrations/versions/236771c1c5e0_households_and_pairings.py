"""households and pairings

Revision ID: 236771c1c5e0
Revises: 7d54aadfcd25
Create Date: 2026-11-22 08:42:40.373970

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '236771c1c5e0'
down_revision = '7d54aadfcd25'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('households',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('community_id', sa.Integer(), nullable=False),
    sa.Column('estate', sa.String(length=40), nullable=False),
    sa.Column('building', sa.String(length=20), nullable=False),
    sa.Column('room', sa.String(length=20), nullable=False),
    sa.Column('outside_area', sa.Boolean(), nullable=False),
    sa.Column('address_note', sa.String(length=100), nullable=False),
    sa.Column('head_name', sa.String(length=40), nullable=False),
    sa.Column('members', sa.String(length=300), nullable=False),
    sa.Column('categories', sa.String(length=120), nullable=False),
    sa.Column('tier', sa.String(length=10), nullable=False),
    sa.Column('visit_interval_days', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=40), nullable=False),
    sa.Column('contact_phone', sa.String(length=11), nullable=False),
    sa.Column('consent_recorded_at', sa.DateTime(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['community_id'], ['communities.id'], name=op.f('fk_households_community_id_communities')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_households'))
    )
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_households_community_id'), ['community_id'], unique=False)

    op.create_table('household_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=10), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_household_access_household_id_households')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_household_access_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_household_access'))
    )
    with op.batch_alter_table('household_access', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_household_access_household_id'), ['household_id'], unique=False)

    op.create_table('pairings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_pairings_created_by_id_users')),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_pairings_household_id_households')),
    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_pairings_team_id_teams')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairings'))
    )
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairings_household_id'), ['household_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairings_team_id'), ['team_id'], unique=False)

    op.create_table('pairing_helpers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('pairing_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['pairing_id'], ['pairings.id'], name=op.f('fk_pairing_helpers_pairing_id_pairings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_pairing_helpers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_pairing_helpers'))
    )
    with op.batch_alter_table('pairing_helpers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_pairing_helpers_pairing_id'), ['pairing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_pairing_helpers_user_id'), ['user_id'], unique=False)



def downgrade():
    with op.batch_alter_table('pairing_helpers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairing_helpers_user_id'))
        batch_op.drop_index(batch_op.f('ix_pairing_helpers_pairing_id'))

    op.drop_table('pairing_helpers')
    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_pairings_team_id'))
        batch_op.drop_index(batch_op.f('ix_pairings_household_id'))

    op.drop_table('pairings')
    with op.batch_alter_table('household_access', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_household_access_household_id'))

    op.drop_table('household_access')
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_households_community_id'))

    op.drop_table('households')
