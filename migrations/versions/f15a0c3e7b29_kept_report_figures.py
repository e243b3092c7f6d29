"""the report reads kept figures: per community, team and Beijing day (figure_days) and each person's first day
of a year in a team (participant_years), filled from the records

Revision ID: f15a0c3e7b29
Revises: a4c2e9d17b36
Create Date: 2026-12-07 10:00:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

# The app's own recount (the one its commits use), so the rows filled here are what the app would have written.
from shequ_volunteer.reports import kept


# revision identifiers, used by Alembic.
revision = 'f15a0c3e7b29'
down_revision = 'a4c2e9d17b36'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('figure_days',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('community_id', sa.Integer(), nullable=False),
                    sa.Column('team_id', sa.Integer(), nullable=True),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('activities', sa.Integer(), nullable=False),
                    sa.Column('person_times', sa.Integer(), nullable=False),
                    sa.Column('minutes', sa.Integer(), nullable=False),
                    sa.Column('visits', sa.Integer(), nullable=False),
                    sa.Column('opened', sa.Integer(), nullable=False),
                    sa.Column('closed', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                            name=op.f('fk_figure_days_community_id_communities')),
                    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_figure_days_team_id_teams')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_days')))
    op.create_index('uq_figure_days_community_day_team', 'figure_days',
                    ['community_id', 'day', sa.text('coalesce(team_id, 0)')], unique=True)
    op.create_table('participant_years',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('community_id', sa.Integer(), nullable=False),
                    sa.Column('team_id', sa.Integer(), nullable=True),
                    sa.Column('user_id', sa.Integer(), nullable=False),
                    sa.Column('year', sa.Integer(), nullable=False),
                    sa.Column('first_day', sa.Date(), nullable=False),
                    sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                            name=op.f('fk_participant_years_community_id_communities')),
                    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_participant_years_team_id_teams')),
                    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_participant_years_user_id_users')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_years')))
    op.create_index('uq_participant_years_person', 'participant_years',
                    ['community_id', 'year', 'user_id', sa.text('coalesce(team_id, 0)')], unique=True)
    op.create_index('ix_participant_years_counted', 'participant_years',
                    ['community_id', 'year', 'team_id', 'first_day'], unique=False)
    op.create_index('ix_participant_years_people', 'participant_years',
                    ['year', 'user_id', 'community_id', 'team_id', 'first_day'],
                    unique=False)
    op.create_table('participant_days',
                    sa.Column('id', sa.Integer(), nullable=False),
                    sa.Column('community_id', sa.Integer(), nullable=False),
                    sa.Column('team_id', sa.Integer(), nullable=True),
                    sa.Column('day', sa.Date(), nullable=False),
                    sa.Column('people', sa.Integer(), nullable=False),
                    sa.ForeignKeyConstraint(['community_id'], ['communities.id'],
                                            name=op.f('fk_participant_days_community_id_communities')),
                    sa.ForeignKeyConstraint(['team_id'], ['teams.id'], name=op.f('fk_participant_days_team_id_teams')),
                    sa.PrimaryKeyConstraint('id', name=op.f('pk_participant_days')))
    op.create_index('ix_participant_days_community_day', 'participant_days', ['community_id', 'day'], unique=False)
    op.create_index('ix_visits_visited_on', 'visits', ['visited_on'], unique=False)
    op.create_index('ix_follow_ups_community_opened_at', 'follow_ups', ['community_id', 'opened_at'], unique=False)
    op.create_index('ix_follow_ups_community_closed_at', 'follow_ups', ['community_id', 'closed_at'], unique=False)
    session = Session(bind=op.get_bind())
    kept.rebuild(session)
    session.flush()


def downgrade():
    op.drop_index('ix_follow_ups_community_closed_at', table_name='follow_ups')
    op.drop_index('ix_follow_ups_community_opened_at', table_name='follow_ups')
    op.drop_index('ix_visits_visited_on', table_name='visits')
    op.drop_index('ix_participant_days_community_day', table_name='participant_days')
    op.drop_table('participant_days')
    op.drop_index('ix_participant_years_people', table_name='participant_years')
    op.drop_index('ix_participant_years_counted', table_name='participant_years')
    op.drop_index('uq_participant_years_person', table_name='participant_years')
    op.drop_table('participant_years')
    op.drop_index('uq_figure_days_community_day_team', table_name='figure_days')
    op.drop_table('figure_days')
