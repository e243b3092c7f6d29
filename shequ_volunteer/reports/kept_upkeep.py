"""Upkeep of the kept figures (reports.kept): noted at every flush, recounted at every commit.

How they stay right: every flush notes what it changed (`_note_changes`: the old and the new values of the
attributes the figures read) and services that write past the ORM say it through figure_marks.figures_touched.
At commit, before the feed versions are raised (a fixed order, so no circle of locks), the days and person-years
touched are recounted from the records and written over the kept rows.
"""
from __future__ import annotations

from collections import defaultdict
from datetime import date

from sqlalchemy import event, inspect, or_, select, tuple_
from sqlalchemy.orm import Session

from ..activities.models import Activity, Signup
from ..extensions import db
from ..figure_marks import PENDING, Marks, marks
from ..hours.models import HoursEntry
from ..hours.rules import ATTENDED
from ..pairing.models import FollowUp, Household, Pairing, Visit
from ..teams.models import Membership, Team
from ..timeutil import local_date
from .kept import (
    community_key,
    day_key,
    first_day_key,
    person_key,
    recount_people,
    take_locks,
    write_days,
    write_people,
)

# --- noting what a flush changes ----------------------------------------------------------------------------

WATCHED = {
    Activity: ("team_id", "starts_at", "ends_at", "status"),  # the end: the length an attendance is worth
    Signup: ("activity_id", "user_id", "status", "seats", "attendance", "service_minutes"),
    HoursEntry: ("team_id", "user_id", "served_on", "kind", "status", "minutes"),
    Visit: ("household_id", "pairing_id", "visited_on"),
    FollowUp: ("community_id", "household_id", "opened_at", "closed_at"),
    Pairing: ("household_id", "team_id"),
    Membership: ("team_id", "user_id", "status"),
}


def _versions(obj, state, names, is_new: bool) -> list[dict]:
    """The object's values after the flush and, unless it is new, before it (its attribute history)."""
    now = {name: getattr(obj, name) for name in names}
    if is_new:
        return [now]
    before = {}
    for name in names:
        deleted = state.attrs[name].history.deleted
        before[name] = deleted[0] if deleted else now[name]
    return [now, before] if before != now else [now]


def _note(found: Marks, model, obj, values: dict, persisted: bool) -> None:
    if model is Activity:
        if values["team_id"] is not None and values["starts_at"] is not None:
            day = local_date(values["starts_at"])
            found.team_days.add((values["team_id"], day))
            if persisted:  # its sign-ups' people: their years of both days
                found.activities.add(obj.id)
                found.activity_days.add((obj.id, values["team_id"], day))
    elif model is Signup:
        found.signup_people.add((values["activity_id"], values["user_id"]))
    elif model is HoursEntry:
        found.team_days.add((values["team_id"], values["served_on"]))
    elif model is Visit:
        found.household_days.add((values["household_id"], values["visited_on"]))
    elif model is FollowUp:
        for moment in (values["opened_at"], values["closed_at"]):
            if moment is not None:
                found.community_days.add((values["community_id"], local_date(moment)))
    elif model is Pairing:
        found.households.add(values["household_id"])  # the household's latest pairing: its follow-ups' team
        if persisted:
            found.pairings.add(obj.id)  # its visits' team
    elif model is Membership:
        found.members.add((values["team_id"], values["user_id"]))


def _note_changes(session: Session, _context) -> None:
    """after_flush: what the flush changed, with the values before it (the history still holds them here)."""
    found = None
    # session.dirty is a new set at every read, so the groups are told apart by name, not by identity.
    for group, kind in ((session.new, "new"), (session.dirty, "dirty"), (session.deleted, "deleted")):
        is_new = kind == "new"
        for obj in group:
            model = type(obj)
            names = WATCHED.get(model)
            if names is None:
                continue
            state = inspect(obj)
            if kind == "dirty" and not any(state.attrs[name].history.has_changes() for name in names):
                continue  # a change the figures do not read (a title, a note): nothing to recount
            found = found or marks(session)
            for values in _versions(obj, state, names, is_new):
                _note(found, model, obj, values, persisted=not is_new)


# --- recounting at commit -----------------------------------------------------------------------------------

def _keep_at_commit(session: Session) -> None:
    """before_commit: recount every day and person-year this transaction touched, in place of the kept rows."""
    session.flush()  # the commit's own flush comes after this hook; what it writes must be noted first
    found: Marks | None = session.info.pop(PENDING, None)
    if not found:
        return
    days: dict[int, set[date]] = defaultdict(set)
    people: dict[tuple[int, int], set[int]] = defaultdict(set)
    team_people: set[tuple[int, int, int]] = set()  # (team, year, user)
    community_of_team: dict[int, int] = {}
    if found.signups:
        found.signup_people.update(tuple(row) for row in session.execute(
            select(Signup.activity_id, Signup.user_id).where(Signup.id.in_(sorted(found.signups)))))
    asked = {activity_id for activity_id, _user in found.signup_people} | found.activities
    if asked:
        current = {}
        for activity_id, team_id, community_id, starts_at in session.execute(
                select(Activity.id, Activity.team_id, Team.community_id, Activity.starts_at)
                .join(Team, Team.id == Activity.team_id).where(Activity.id.in_(sorted(asked)))):
            current[activity_id] = (team_id, local_date(starts_at))
            community_of_team[team_id] = community_id
        for activity_id in found.activities & current.keys():
            found.team_days.add(current[activity_id])
            found.activity_days.add((activity_id, *current[activity_id]))
        for activity_id, user_id in found.signup_people:
            if activity_id in current:
                team_id, day = current[activity_id]
                found.team_days.add((team_id, day))
                team_people.add((team_id, day.year, user_id))
    if found.activity_days:  # every person signed up for an activity that moved or changed status
        days_of = defaultdict(set)
        for activity_id, team_id, day in found.activity_days:
            days_of[activity_id].add((team_id, day.year))
        for activity_id, user_id in session.execute(select(Signup.activity_id, Signup.user_id)
                                                    .where(Signup.activity_id.in_(sorted(days_of)))):
            team_people.update((team_id, year, user_id) for team_id, year in days_of[activity_id])
    if found.members:  # whether a person's attendances count as service hours depends on their membership
        found.team_days.update((team_id, local_date(starts_at)) for team_id, starts_at in session.execute(
            select(Activity.team_id, Activity.starts_at).join(Signup, Signup.activity_id == Activity.id)
            .where(tuple_(Activity.team_id, Signup.user_id).in_(sorted(found.members)),
                   or_(Signup.attendance.in_(ATTENDED), Signup.service_minutes.is_not(None)))))
    if found.pairings:  # a visit is counted for its pairing's team
        found.household_days.update(tuple(row) for row in session.execute(
            select(Visit.household_id, Visit.visited_on).where(Visit.pairing_id.in_(sorted(found.pairings)))))
    if found.households:  # a follow-up is counted for the team of its household's latest pairing
        for community_id, opened_at, closed_at in session.execute(
                select(FollowUp.community_id, FollowUp.opened_at, FollowUp.closed_at)
                .where(FollowUp.household_id.in_(sorted(found.households)))):
            found.community_days.update((community_id, local_date(moment)) for moment in (opened_at, closed_at)
                                        if moment is not None)
    teams = ({team_id for team_id, _day in found.team_days} | {team_id for team_id, _y, _u in team_people}) - {None}
    unknown = sorted(teams - community_of_team.keys())
    if unknown:
        community_of_team.update(session.execute(select(Team.id, Team.community_id)
                                                 .where(Team.id.in_(unknown))).all())
    if found.household_days:
        community_of_household = dict(session.execute(select(Household.id, Household.community_id).where(
            Household.id.in_(sorted({household_id for household_id, _day in found.household_days})))).all())
        for household_id, day in found.household_days:
            if household_id in community_of_household and day is not None:
                days[community_of_household[household_id]].add(day)
    for team_id, day in found.team_days:
        if team_id in community_of_team and day is not None:
            days[community_of_team[team_id]].add(day)
    for community_id, day in found.community_days:
        days[community_id].add(day)
    for team_id, year, user_id in team_people:
        if team_id in community_of_team:
            people[(community_of_team[team_id], year)].add(user_id)
    communities = {*days, *(community_id for community_id, _year in people)}
    take_locks(session, [*(day_key(community_id, day) for community_id in days for day in days[community_id]),
                         *(person_key(community_id, user_id) for (community_id, _year), user_ids in people.items()
                           for user_id in user_ids)],
               shared=[community_key(community_id) for community_id in communities])
    for community_id in sorted(days):
        write_days(session, community_id, days[community_id])
    # The people's first days before and after, read under their person locks; then the days those first days
    # leave or come to are locked (the last class) before anything of the people is written.
    changes = [recount_people(session, community_id, year, people[(community_id, year)])
               for community_id, year in sorted(people)]
    take_locks(session, [first_day_key(change.community_id, day) for change in changes for day in change.days])
    for change in changes:
        write_people(session, change)


def _forget_marks(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended: a rollback writes nothing
        session.info.pop(PENDING, None)


def keep_at_commit() -> None:
    """Install the hooks on the app's session (create_app; once per process). The recount runs before the feed
    versions are raised (insert=True puts it first), so every transaction takes its locks in one order: the rows
    its services lock, the communities' advisory locks, then the feed versions."""
    if not event.contains(db.session, "before_commit", _keep_at_commit):
        event.listen(db.session, "after_flush", _note_changes)
        event.listen(db.session, "before_commit", _keep_at_commit, insert=True)
        event.listen(db.session, "after_transaction_end", _forget_marks)
