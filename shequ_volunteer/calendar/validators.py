"""Cheap validators for each feed: a few aggregate queries, no rendering.

Each takes what the rendered feed depends on — the rows' last changes and counts, the window's
day, the host the links are built from — so any change that alters the bytes alters the ETag:
a withdrawal changes the sign-up's updated_at, a cancellation the activity's, a rename the team's.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import func, select

from ..activities.models import HOLDING_SEATS, Activity, Signup
from ..extensions import db
from ..pairing.models import Household, HouseholdEvent, Pairing, PairingHelper, Visit
from ..pairing.rules import MAJOR_CHANGE_WITHIN
from ..teams.models import Team
from ..timeutil import to_local
from .conditional import Validator
from .feeds import Window


def _latest(*moments) -> datetime | None:
    present = [m for m in moments if m is not None]
    return max(present) if present else None


def public_validator(now: datetime, host: str, community_id: int | None = None,
                     team_id: int | None = None) -> Validator:
    scope = Team.community_id == community_id if community_id is not None else Team.id == team_id
    count, changed = db.session.execute(
        select(func.count(Activity.id), func.max(Activity.updated_at)).join(Team, Team.id == Activity.team_id)
        .where(scope, Window.of(now).condition())
    ).one()
    renamed = db.session.scalar(select(func.max(Team.updated_at)).where(scope))
    day = to_local(now).date()
    return Validator.of(("public", community_id, team_id, day, host, count, changed, renamed),
                        _latest(changed, renamed))


def personal_validator(user_id: int, reminder: int | None, now: datetime, host: str) -> Validator:
    window = Window.of(now)
    count, holding, signup_changed, activity_changed, renamed = db.session.execute(
        select(func.count(Signup.id), func.count(Signup.id).filter(Signup.status.in_(HOLDING_SEATS)),
               func.max(Signup.updated_at), func.max(Activity.updated_at), func.max(Team.updated_at))
        .join(Activity, Activity.id == Signup.activity_id).join(Team, Team.id == Activity.team_id)
        .where(Signup.user_id == user_id, window.condition())
    ).one()
    today = to_local(now).date()
    helping = (select(Pairing.household_id)
               .join(PairingHelper, PairingHelper.pairing_id == Pairing.id)
               .where(PairingHelper.user_id == user_id, PairingHelper.starts_on <= today,
                      (PairingHelper.ends_on.is_(None)) | (PairingHelper.ends_on >= today),
                      Pairing.starts_on <= today, (Pairing.ends_on.is_(None)) | (Pairing.ends_on >= today)))
    pairings = db.session.execute(
        select(func.count(), func.max(Household.updated_at)).select_from(Household)
        .where(Household.id.in_(helping))
    ).one()
    visits = db.session.execute(
        select(func.count(Visit.id), func.max(Visit.created_at), func.max(Visit.visited_at))
        .where(Visit.household_id.in_(helping))
    ).one()
    changed_at = db.session.scalar(select(func.max(HouseholdEvent.happened_at))
                                   .where(HouseholdEvent.household_id.in_(helping)))
    # A major change turns from due to overdue 24 hours later, within a day.
    change_expired = changed_at is not None and now > changed_at + MAJOR_CHANGE_WITHIN
    parts = ("personal", user_id, reminder, today, host, count, holding, signup_changed, activity_changed, renamed,
             tuple(pairings), tuple(visits), changed_at, change_expired)
    return Validator.of(parts, _latest(signup_changed, activity_changed, renamed, pairings[1], visits[1],
                                       changed_at, _midnight(now) if pairings[0] else None))


def team_live_validator(team_id: int, now: datetime, host: str) -> Validator:
    count, activity_changed = db.session.execute(
        select(func.count(Activity.id), func.max(Activity.updated_at))
        .where(Activity.team_id == team_id, Window.of(now).condition())
    ).one()
    signup_changed = db.session.scalar(
        select(func.max(Signup.updated_at)).join(Activity, Activity.id == Signup.activity_id)
        .where(Activity.team_id == team_id, Window.of(now).condition())
    )
    renamed = db.session.scalar(select(Team.updated_at).where(Team.id == team_id))
    day = to_local(now).date()
    return Validator.of(("team", team_id, day, host, count, activity_changed, signup_changed, renamed),
                        _latest(activity_changed, signup_changed, renamed))


def _midnight(now: datetime) -> datetime:
    """The start of today in Shanghai, as naive UTC: overdue visits move to today's date."""
    local = to_local(now).replace(hour=0, minute=0, second=0, microsecond=0)
    return (local - timedelta(hours=8)).replace(tzinfo=None)
