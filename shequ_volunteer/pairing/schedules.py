"""What the board needs about each household's visits, kept with the rows instead of read from every visit.

A community's board must cost the same in year three as in week one, so it never reads the visit history:
the household keeps the latest of its records (the last visit's moment, Beijing date and logging time, the
latest major change) and each pairing keeps rules.due_date — the Beijing date its next visit is due and the
moment a major change's 24 hours run out. None of these depends on the clock: whether a visit is due or
overdue *now* is worked out when the board is read (pairing.queries.visit_state_sql), so nothing goes stale
at midnight and no job has to run.

`refresh` is the one way they are written: from the records, for the households given, in the transaction of
the change. Every writer of what they depend on calls it after its flush — visits (pairing.services.log_visit),
major changes, a household's tier and interval (its form and the import), pairings made (one or many).
tests/services/test_board_schedules.py holds the board read from them equal to rules.next_due over the records.
"""
from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import bindparam, func, select, update
from sqlalchemy.orm.util import identity_key

from ..extensions import db
from ..timeutil import local_midnight
from . import rules
from .models import Household, HouseholdEvent, Pairing, Visit

HOUSEHOLD_FIELDS = ("last_visit_at", "last_visit_on", "last_visit_logged_at", "major_change_at")
PAIRING_FIELDS = ("visit_due_on", "visit_urgent_by")
BATCH = 500  # households per round: bound parameters stay far below SQLite's limit


def refresh(household_ids: Iterable[int]) -> None:
    """Recompute the kept fields of these households and of all their pairings from their records."""
    ids = sorted(set(household_ids))
    for start in range(0, len(ids), BATCH):
        _refresh(ids[start:start + BATCH])


def _refresh(ids: list[int]) -> None:
    # Lock the households before reading their records: a writer of the same household that got there first
    # has committed by the time the reads below start, so they see its visit (PostgreSQL reads each statement
    # from a new snapshot; SQLite's write transaction already admits one writer at a time). NO KEY UPDATE, as
    # database.lock_row explains: the visit just inserted holds KEY SHARE on its household.
    db.session.execute(select(Household.id).where(Household.id.in_(ids)).order_by(Household.id)
                       .with_for_update(key_share=True))
    visits = (select(Visit.household_id, func.max(Visit.visited_at).label("at"),
                     func.max(Visit.visited_on).label("last_on"), func.max(Visit.created_at).label("logged_at"))
              .where(Visit.household_id.in_(ids)).group_by(Visit.household_id).subquery())
    changes = (select(HouseholdEvent.household_id, func.max(HouseholdEvent.happened_at).label("at"))
               .where(HouseholdEvent.household_id.in_(ids)).group_by(HouseholdEvent.household_id).subquery())
    households = {row.id: row for row in db.session.execute(
        select(Household.id, Household.tier, Household.visit_interval_days, visits.c.at.label("last_visit_at"),
               visits.c.last_on.label("last_visit_on"), visits.c.logged_at.label("last_visit_logged_at"),
               changes.c.at.label("major_change_at"))
        .outerjoin(visits, visits.c.household_id == Household.id)
        .outerjoin(changes, changes.c.household_id == Household.id)
        .where(Household.id.in_(ids)))}
    if not households:
        return
    pairings = []
    for pairing_id, household_id, starts_on in db.session.execute(
            select(Pairing.id, Pairing.household_id, Pairing.starts_on).where(Pairing.household_id.in_(ids))):
        household = households[household_id]
        due_on, urgent_by = rules.due_date(rules.Schedule(
            tier=household.tier, interval_days=household.visit_interval_days, paired_since=local_midnight(starts_on),
            last_visit_at=household.last_visit_at, major_change_at=household.major_change_at))
        pairings.append({"pairing": pairing_id, "visit_due_on": due_on, "visit_urgent_by": urgent_by})
    table = Household.__table__
    db.session.execute(
        update(table).where(table.c.id == bindparam("household"))
        .values({name: bindparam(name) for name in HOUSEHOLD_FIELDS}),
        [{"household": row.id, **{name: getattr(row, name) for name in HOUSEHOLD_FIELDS}}
         for row in households.values()])
    if pairings:
        table = Pairing.__table__
        db.session.execute(
            update(table).where(table.c.id == bindparam("pairing"))
            .values({name: bindparam(name) for name in PAIRING_FIELDS}), pairings)
    # Written past the ORM: objects this session holds must read the new values when next asked.
    _expire(Household, households, HOUSEHOLD_FIELDS)
    _expire(Pairing, [row["pairing"] for row in pairings], PAIRING_FIELDS)


def _expire(model, ids, fields) -> None:
    for row_id in ids:
        loaded = db.session.identity_map.get(identity_key(model, row_id))
        if loaded is not None:
            db.session.expire(loaded, fields)
