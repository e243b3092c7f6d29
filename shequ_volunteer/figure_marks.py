"""figures_touched: how a write made past the ORM's unit of work (a conditional UPDATE, a bulk INSERT) says which
records of the report figures it changed.

Changes made through ORM objects need no call: reports.kept_upkeep reads them from the session at flush. A statement
executed directly leaves no trace there, so the service that runs it names what it changed here, in the same
transaction; reports.kept_upkeep recomputes the kept figures of all of them at commit. This module sits below every
domain (it imports nothing of theirs), so any service may call it.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from .extensions import db

PENDING = "figure_marks.pending"


@dataclass
class Marks:
    """What a transaction changed, by the keys reports.kept_upkeep resolves at commit."""

    team_days: set[tuple[int, date]] = field(default_factory=set)  # (team, Beijing day) of activities, 补录
    community_days: set[tuple[int, date]] = field(default_factory=set)  # follow-ups
    household_days: set[tuple[int, date]] = field(default_factory=set)  # visits
    activities: set[int] = field(default_factory=set)  # its day and every sign-up's person's year
    signups: set[int] = field(default_factory=set)  # resolved to their activity and person
    signup_people: set[tuple[int, int]] = field(default_factory=set)  # (activity, user)
    activity_days: set[tuple[int, int, date]] = field(default_factory=set)  # (activity, team, day): its people's
    # years of the days an activity was or is on
    members: set[tuple[int, int]] = field(default_factory=set)  # (team, user): their attendances count or not
    households: set[int] = field(default_factory=set)  # a new pairing: its follow-ups change team
    pairings: set[int] = field(default_factory=set)  # their visits change team

    def __bool__(self) -> bool:
        return any(getattr(self, name) for name in self.__dataclass_fields__)


def marks(session=None) -> Marks:
    """This transaction's marks (created on first use)."""
    info = (session or db.session).info
    found = info.get(PENDING)
    if found is None:
        found = info[PENDING] = Marks()
    return found


def figures_touched(*, signups: Iterable[int] = (), members: Iterable[tuple[int, int]] = (),
                    households: Iterable[int] = (), activities: Iterable[int] = (),
                    team_days: Iterable[tuple[int, date]] = ()) -> None:
    """Record that this transaction changed, past the ORM: these sign-ups (status, seats, attendance), these
    (team, user) memberships, pairings of these households, these activities (in place: status, not times),
    records of a team dated on a day (a 补录 decided)."""
    found = marks()
    found.team_days.update(team_days)
    found.signups.update(signups)
    found.members.update(members)
    found.households.update(households)
    found.activities.update(activities)
