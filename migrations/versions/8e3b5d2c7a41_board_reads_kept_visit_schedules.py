"""the board reads kept visit schedules: each household's latest visit and major change, each pairing's due date;
follow-ups indexed for the staff queue

Revision ID: 8e3b5d2c7a41
Revises: e7954bbf2b1d
Create Date: 2026-12-06 23:40:00

"""
from alembic import op
import sqlalchemy as sa

# The pure rule the app keeps these fields by (pairing.schedules.refresh), so the rows filled here are what the
# app would have written.
from shequ_volunteer.pairing import rules
from shequ_volunteer.timeutil import local_midnight


# revision identifiers, used by Alembic.
revision = '8e3b5d2c7a41'
down_revision = 'e7954bbf2b1d'
branch_labels = None
depends_on = None

HOUSEHOLD_FIELDS = ("last_visit_at", "last_visit_on", "last_visit_logged_at", "major_change_at")
households = sa.table("households", sa.column("id", sa.Integer), sa.column("tier", sa.String),
                      sa.column("visit_interval_days", sa.Integer), sa.column("last_visit_at", sa.DateTime),
                      sa.column("last_visit_on", sa.Date), sa.column("last_visit_logged_at", sa.DateTime),
                      sa.column("major_change_at", sa.DateTime))
pairings = sa.table("pairings", sa.column("id", sa.Integer), sa.column("household_id", sa.Integer),
                    sa.column("starts_on", sa.Date), sa.column("visit_due_on", sa.Date),
                    sa.column("visit_urgent_by", sa.DateTime))
visits = sa.table("visits", sa.column("household_id", sa.Integer), sa.column("visited_at", sa.DateTime),
                  sa.column("visited_on", sa.Date), sa.column("created_at", sa.DateTime))
events = sa.table("household_events", sa.column("household_id", sa.Integer), sa.column("happened_at", sa.DateTime))


def upgrade():
    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_visit_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_visit_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('last_visit_logged_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('major_change_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('visit_due_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('visit_urgent_by', sa.DateTime(), nullable=True))

    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_community_status')
        batch_op.create_index('ix_follow_ups_community_status_closed_at', ['community_id', 'status', 'closed_at', 'id'],
                              unique=False)

    fill_kept_fields(op.get_bind())


def fill_kept_fields(bind) -> None:
    """Every household's latest records and every pairing's due date, from the records (as schedules.refresh)."""
    latest = {row.household_id: row for row in bind.execute(
        sa.select(visits.c.household_id, sa.func.max(visits.c.visited_at).label("last_visit_at"),
                  sa.func.max(visits.c.visited_on).label("last_visit_on"),
                  sa.func.max(visits.c.created_at).label("last_visit_logged_at"))
        .group_by(visits.c.household_id))}
    changed = dict(bind.execute(sa.select(events.c.household_id, sa.func.max(events.c.happened_at))
                                .group_by(events.c.household_id)).all())
    kept = {}
    for household_id, tier, interval_days in bind.execute(
            sa.select(households.c.id, households.c.tier, households.c.visit_interval_days)):
        visit = latest.get(household_id)
        kept[household_id] = {"tier": tier, "interval_days": interval_days,
                              "last_visit_at": visit.last_visit_at if visit else None,
                              "last_visit_on": visit.last_visit_on if visit else None,
                              "last_visit_logged_at": visit.last_visit_logged_at if visit else None,
                              "major_change_at": changed.get(household_id)}
    rows = [{"household": household_id, **{name: values[name] for name in HOUSEHOLD_FIELDS}}
            for household_id, values in kept.items() if values["last_visit_at"] or values["major_change_at"]]
    if rows:
        bind.execute(households.update().where(households.c.id == sa.bindparam("household"))
                     .values({name: sa.bindparam(name) for name in HOUSEHOLD_FIELDS}), rows)
    dues = []
    for pairing_id, household_id, starts_on in bind.execute(
            sa.select(pairings.c.id, pairings.c.household_id, pairings.c.starts_on)):
        values = kept[household_id]
        due_on, urgent_by = rules.due_date(rules.Schedule(
            tier=values["tier"], interval_days=values["interval_days"], paired_since=local_midnight(starts_on),
            last_visit_at=values["last_visit_at"], major_change_at=values["major_change_at"]))
        dues.append({"pairing": pairing_id, "visit_due_on": due_on, "visit_urgent_by": urgent_by})
    if dues:
        bind.execute(pairings.update().where(pairings.c.id == sa.bindparam("pairing"))
                     .values(visit_due_on=sa.bindparam("visit_due_on"), visit_urgent_by=sa.bindparam("visit_urgent_by")),
                     dues)


def downgrade():
    with op.batch_alter_table('follow_ups', schema=None) as batch_op:
        batch_op.drop_index('ix_follow_ups_community_status_closed_at')
        batch_op.create_index('ix_follow_ups_community_status', ['community_id', 'status'], unique=False)

    with op.batch_alter_table('pairings', schema=None) as batch_op:
        batch_op.drop_column('visit_urgent_by')
        batch_op.drop_column('visit_due_on')

    with op.batch_alter_table('households', schema=None) as batch_op:
        batch_op.drop_column('major_change_at')
        batch_op.drop_column('last_visit_logged_at')
        batch_op.drop_column('last_visit_on')
        batch_op.drop_column('last_visit_at')
