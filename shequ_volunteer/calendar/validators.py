"""Cheap validators for each feed: one aggregate statement, no rendering.

Each takes what the rendered feed depends on — the rows' last changes and counts, the window's
day, the host the links are built from — so any change that alters the bytes alters the ETag:
a withdrawal changes the sign-up's updated_at, a cancellation the activity's, a rename the team's.

The statements are built once with bound parameters: a 304 is answered many times a minute,
and building a SQLAlchemy statement costs more than running it.
"""
from __future__ import annotations

from datetime import date, datetime
from functools import cache

from sqlalchemy import Date, Integer, bindparam, func, select, true

from ..activities.models import HOLDING_SEATS, Activity, Signup
from ..extensions import db
from ..pairing.models import Household, HouseholdEvent, Pairing, PairingHelper, Visit, active_on
from ..pairing.rules import MAJOR_CHANGE_WITHIN
from ..teams.models import Team
from ..timeutil import local_midnight, local_today
from .conditional import Validator
from .feeds import Window, bound_window_condition


def _latest(*moments) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


@cache
def _public_statement(by_team: bool):
    scope = Team.id == bindparam("scope_id", type_=Integer) if by_team else \
        Team.community_id == bindparam("scope_id", type_=Integer)
    activities = (select(func.count(Activity.id).label("count"))
                  .join(Team, Team.id == Activity.team_id).where(scope, bound_window_condition()).subquery())
    # Over every activity, not only the window's: an edit that moves one out changes the feed too.
    changed = (select(func.max(Activity.updated_at)).join(Team, Team.id == Activity.team_id).where(scope)
               .scalar_subquery())
    renamed = select(func.max(Team.updated_at)).where(scope).scalar_subquery()
    return select(activities.c.count, changed.label("changed"), renamed.label("renamed"))


def public_validator(now: datetime, host: str, community_id: int | None = None,
                     team_id: int | None = None) -> Validator:
    by_team = team_id is not None
    count, changed, renamed = db.session.execute(
        _public_statement(by_team), {"scope_id": team_id if by_team else community_id, **Window.of(now).params()}
    ).one()
    day = local_today(now)
    return Validator.of(("public", community_id, team_id, day, host, count, changed, renamed),
                        _latest(changed, renamed, _midnight(day)))


@cache
def _personal_statement():
    user = bindparam("user_id", type_=Integer)
    today = bindparam("today", type_=Date)
    in_window = bound_window_condition()
    # Counts within the window; last changes over all the person's sign-ups, so an edit that moves an
    # activity out of the window still moves Last-Modified.
    signups = (
        select(func.count(Signup.id).filter(in_window).label("count"),
               func.count(Signup.id).filter(in_window, Signup.status.in_(HOLDING_SEATS)).label("holding"),
               func.max(Signup.updated_at).label("signup_changed"),
               func.max(Activity.updated_at).label("activity_changed"),
               func.max(Team.updated_at).label("renamed"))
        .join(Activity, Activity.id == Signup.activity_id).join(Team, Team.id == Activity.team_id)
        .where(Signup.user_id == user).subquery()
    )
    helping = (select(Pairing.household_id).join(PairingHelper, PairingHelper.pairing_id == Pairing.id)
               .where(PairingHelper.user_id == user, active_on(PairingHelper, today), active_on(Pairing, today)))
    households = (select(func.count(Household.id).label("count"), func.max(Household.updated_at).label("changed"))
                  .where(Household.id.in_(helping)).subquery())
    visits = (select(func.count(Visit.id).label("count"), func.max(Visit.created_at).label("logged"),
                     func.max(Visit.visited_at).label("visited"))
              .where(Visit.household_id.in_(helping)).subquery())
    events = select(func.max(HouseholdEvent.happened_at)).where(HouseholdEvent.household_id.in_(helping))
    # Each part is a one-row aggregate: joining them ON TRUE gives one row of everything.
    return select(signups.c.count, signups.c.holding, signups.c.signup_changed, signups.c.activity_changed,
                  signups.c.renamed, households.c.count, households.c.changed, visits.c.count, visits.c.logged,
                  visits.c.visited, events.scalar_subquery().label("changed_at")).select_from(
        signups.join(households, true()).join(visits, true()))


def personal_validator(user_id: int, reminder: int | None, now: datetime, host: str) -> Validator:
    today = local_today(now)
    row = tuple(db.session.execute(_personal_statement(),
                                   {"user_id": user_id, "today": today, **Window.of(now).params()}).one())
    signup_changed, activity_changed, renamed, household_changed = row[2], row[3], row[4], row[6]
    visit_logged, changed_at = row[8], row[10]
    # A major change turns from due to overdue 24 hours later, within a day.
    change_expired = changed_at is not None and now > changed_at + MAJOR_CHANGE_WITHIN
    parts = ("personal", user_id, reminder, today, host, row, change_expired)
    return Validator.of(parts, _latest(signup_changed, activity_changed, renamed, household_changed, visit_logged,
                                       changed_at, _midnight(today)))


@cache
def _team_statement():
    team = bindparam("team_id", type_=Integer)
    activities = (select(func.count(Activity.id).label("count"))
                  .where(Activity.team_id == team, bound_window_condition()).subquery())
    changed = select(func.max(Activity.updated_at)).where(Activity.team_id == team).scalar_subquery()
    signups = (select(func.max(Signup.updated_at)).join(Activity, Activity.id == Signup.activity_id)
               .where(Activity.team_id == team, bound_window_condition()).scalar_subquery())
    renamed = select(Team.updated_at).where(Team.id == team).scalar_subquery()
    return select(activities.c.count, changed.label("changed"), signups.label("signup_changed"),
                  renamed.label("renamed"))


def team_live_validator(team_id: int, now: datetime, host: str) -> Validator:
    count, activity_changed, signup_changed, renamed = db.session.execute(
        _team_statement(), {"team_id": team_id, **Window.of(now).params()}).one()
    day = local_today(now)
    return Validator.of(("team", team_id, day, host, count, activity_changed, signup_changed, renamed),
                        _latest(activity_changed, signup_changed, renamed, _midnight(day)))


def _midnight(today: date) -> datetime:
    """The start of today in Shanghai, as naive UTC. The window moves at midnight (events enter
    and leave it, overdue visits move to the new day), so Last-Modified is never older."""
    return local_midnight(today)

