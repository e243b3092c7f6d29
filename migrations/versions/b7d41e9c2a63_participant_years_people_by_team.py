"""participant_years: the people index by year, team, then person (the 街道 roll-up's count of distinct people)

Revision ID: b7d41e9c2a63
Revises: f15a0c3e7b29
Create Date: 2026-12-05 07:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b7d41e9c2a63'
down_revision = 'f15a0c3e7b29'
branch_labels = None
depends_on = None


def upgrade():
    # The roll-up counts each person of several communities once, over the community rows only (team None). With
    # the person second, SQLite walked every team row of the year as well (about 6x the rows of a two-year
    # community) and the count took ~180 ms of a 245 ms roll-up of 8 communities; today's probes keep their seek.
    op.drop_index('ix_participant_years_people', table_name='participant_years')
    op.create_index('ix_participant_years_people', 'participant_years',
                    ['year', 'team_id', 'user_id', 'community_id', 'first_day'], unique=False)


def downgrade():
    op.drop_index('ix_participant_years_people', table_name='participant_years')
    op.create_index('ix_participant_years_people', 'participant_years',
                    ['year', 'user_id', 'community_id', 'team_id', 'first_day'], unique=False)
