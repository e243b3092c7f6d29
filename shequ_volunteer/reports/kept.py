"""The kept figures (figure_days, participant_years): written from the records, at the commit of every change.

A report must cost the same in year three as in week one, so its summable figures are not recounted from the
records on every view: each (community, team, Beijing day) keeps its 活动场次, 参与人次, 服务时长, 探访次数 and
跟进事项 opened and closed, and each (community, team, person, year) the first day the person took part. They
are what figures.py's records give for that day *as if the day were over* — so nothing changes at midnight and
no job has to run; reports.kept_reads takes the days before today from here and today onwards from the records.

What keeps them right at every commit is reports.kept_upkeep; here are the recounts it calls, the locks it
takes and `rebuild` (`flask figures rebuild`).

On PostgreSQL (READ COMMITTED: each statement reads what was committed before it began) each kept row has a
transaction-scoped advisory lock that every writer of the row holds from before its recount until it commits. Of
two writers of one row the later one waits, then recounts with the first one's records committed; writers of
different rows pass each other. The locks, pg_advisory_xact_lock(int4, int4), in the order they are taken:
0. (ADVISORY_LOCK_CLASS, community), shared by every writer of the community. `rebuild` takes it exclusive: it
   waits for the writers in their commit and they for it; writers never wait for each other here. (It is also the
   key the earlier writers took exclusive, so during a deploy old and new processes exclude each other.)
1. one per (community, day) whose figure_days this transaction recounts;
2. one per (community, person) whose participant_years it recounts (every year of that person: one key);
3. one per (community, day) whose participant_days it recounts: the days a person's first day of the year leaves
   or comes to. Those are known only from the people's kept first days, read under their class-2 locks (no one
   else changes those rows then), and only the days whose count changes are locked and recounted: a sign-up of
   someone who already took part earlier in the year changes no first day and takes no class-3 lock.
Keys are taken in ascending order, all of a class before any of the next (the class sits above the community's
bits in the first int), so no writer waits for a key below one it holds, and no circle of waits can form. Without
class 3 two writers adding different people with the same first day would each recount that day without the
other's uncommitted participant_years row, and the later write would lose one. A key is a function of what it
guards, so two writers of one row always meet; a community id past 2**27 shares its keys with another community
(`_class`), which only makes their writers wait. The services' row locks come before these, the feed versions'
after. SQLite admits one writer at a time anyway.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import delete, false, func, literal, select, text, true, union_all
from sqlalchemy.orm import Session

from ..extensions import db
from ..pairing.models import Household
from ..teams.models import Team
from ..timeutil_sql import shanghai_day
from . import figures
from .models import FigureDay, ParticipantDay, ParticipantYear
from .periods import Period

ADVISORY_LOCK_CLASS = 15_001  # pg_advisory_xact_lock(15001, community): writers shared, rebuild exclusive
# The finer locks' classes, in the order a transaction takes them (the module's docstring says why).
DAY_LOCKS, PERSON_LOCKS, FIRST_DAY_LOCKS = 1, 2, 3
COMMUNITY_BITS = 27  # a finer key's first int: its class above the community id's lowest 27 bits
DAY_COLUMNS = ("activities", "person_times", "minutes", "visits", "opened", "closed")
# The records each column is counted from, the moment that dates them, and how a day's records add up.
SOURCES = (
    ("activities", figures.activities_records, "starts_at", lambda rows: func.count()),
    ("person_times", figures.participation_records, "starts_at", lambda rows: func.sum(rows.c.seats)),
    ("minutes", figures.hours_records, "served_at", lambda rows: func.sum(rows.c.minutes)),
    ("visits", figures.visit_records, "visited_on", lambda rows: func.count()),
    ("opened", figures.opened_records, "moment", lambda rows: func.count()),
    ("closed", figures.closed_records, "moment", lambda rows: func.count()),
)
EVER = datetime(9999, 1, 1)  # "now" for a day seen as over


def over(first: date, last: date) -> figures.Window:
    """The days first..last with all of them over: every activity not cancelled in them is held."""
    return figures.Window(Period(first, last, ""), EVER)


def _day_of(rows, column: str):
    return rows.c[column] if column == "visited_on" else shanghai_day(rows.c[column])


def as_date(value) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def day_rows(session: Session, community_id: int, first: date, last: date) -> dict[tuple, dict]:
    """{(team, day): {column: value}} from the records of the days first..last (only days with records)."""
    window, parts = over(first, last), []
    for column, records, dated_by, aggregate in SOURCES:
        rows = records(community_id, window).subquery()
        day = _day_of(rows, dated_by)
        parts.append(select(literal(column).label("column"), rows.c.team_id, day.label("day"),
                            aggregate(rows).label("value")).group_by(rows.c.team_id, day))
    found: dict[tuple, dict] = {}
    for column, team_id, day, value in session.execute(union_all(*parts)):
        found.setdefault((team_id, as_date(day)), dict.fromkeys(DAY_COLUMNS, 0))[column] = value or 0
    return found


def write_days(session: Session, community_id: int, days: Iterable[date]) -> None:
    """Recount these days of the community from the records and put them in place of the kept rows."""
    days = sorted(set(days))
    if not days:
        return
    found: dict[tuple, dict] = {}
    for first, last in _runs(days):
        found.update({key: value for key, value in day_rows(session, community_id, first, last).items()
                      if key[1] in set(days)})
    session.execute(delete(FigureDay).where(FigureDay.community_id == community_id, FigureDay.day.in_(days)))
    rows = [{"community_id": community_id, "team_id": team_id, "day": day, **values}
            for (team_id, day), values in sorted(found.items(), key=lambda item: (item[0][1], item[0][0] or 0))]
    if rows:
        session.execute(FigureDay.__table__.insert(), rows)


def _runs(days: list[date]) -> list[tuple[date, date]]:
    """Sorted days as runs of consecutive days: one range of records each."""
    runs: list[list[date]] = []
    for day in days:
        if runs and day - runs[-1][1] == timedelta(days=1):
            runs[-1][1] = day
        else:
            runs.append([day, day])
    return [(first, last) for first, last in runs]


def _first_days(rows) -> dict[tuple[int | None, int], date]:
    """{(team, person): first day} from (team, person, first day) rows, with each person's community row (team
    None): their first day in any team."""
    found: dict[tuple[int | None, int], date] = {}
    for team_id, user_id, first in rows:
        found[(team_id, user_id)] = as_date(first)
        found[(None, user_id)] = min(found.get((None, user_id), found[(team_id, user_id)]), as_date(first))
    return found


def _first_days_statement(community_id: int, year: int):
    rows = figures.participation_records(community_id, over(date(year, 1, 1), date(year, 12, 31))).subquery()
    return (select(rows.c.team_id, rows.c.user_id, func.min(shanghai_day(rows.c.starts_at)))
            .group_by(rows.c.team_id, rows.c.user_id)), rows


def _participant_rows(community_id: int, year: int, found: dict) -> list[dict]:
    return [{"community_id": community_id, "team_id": team_id, "user_id": user_id, "year": year, "first_day": day}
            for (team_id, user_id), day in sorted(found.items(), key=lambda item: (item[0][1], item[0][0] or 0))]


def write_participants(session: Session, community_id: int, year: int) -> None:
    """Recount every person's (team, person) first days of the year from the records (rebuild)."""
    statement, _rows = _first_days_statement(community_id, year)
    session.execute(delete(ParticipantYear).where(ParticipantYear.community_id == community_id,
                                                  ParticipantYear.year == year))
    found = _participant_rows(community_id, year, _first_days(session.execute(statement)))
    if found:
        session.execute(ParticipantYear.__table__.insert(), found)
    write_participant_days(session, community_id, year, None)


@dataclass
class PeopleChange:
    """What recounting some people's first days of a year changes: the kept rows of the people whose first days
    moved are replaced by `new`, and the people counted on `days` (their first days before and after) change."""

    community_id: int
    year: int
    changed: list[int]  # the people whose rows change
    had_rows: bool  # whether any of them had kept rows (to clear)
    new: list[dict]  # their rows as recounted
    days: set[date]  # every first day a row leaves or comes to: the only participant_days that change


def recount_people(session: Session, community_id: int, year: int, user_ids: Iterable[int]) -> PeopleChange:
    """These people's first days of the year from the records beside their kept ones, in one statement. Run it
    under their person locks: then no other writer changes their kept rows until this transaction ends."""
    user_ids = sorted(set(user_ids))
    counted, rows = _first_days_statement(community_id, year)
    counted = counted.where(rows.c.user_id.in_(user_ids)).add_columns(true().label("counted"))
    kept_rows = select(ParticipantYear.team_id, ParticipantYear.user_id, ParticipantYear.first_day,
                       false().label("counted")).where(
        ParticipantYear.community_id == community_id, ParticipantYear.year == year,
        ParticipantYear.user_id.in_(user_ids))
    counted_rows, before = [], {}
    for team_id, user_id, first, is_counted in session.execute(union_all(counted, kept_rows)):
        if is_counted:
            counted_rows.append((team_id, user_id, first))
        else:
            before[(team_id, user_id)] = as_date(first)
    now = _first_days(counted_rows)
    moved = {key for key in before.keys() | now.keys() if before.get(key) != now.get(key)}
    changed = {user_id for _team_id, user_id in moved}
    return PeopleChange(
        community_id, year, sorted(changed), had_rows=any(user_id in changed for _team_id, user_id in before),
        new=_participant_rows(community_id, year, {key: day for key, day in now.items() if key[1] in changed}),
        days={before[key] for key in moved if key in before} | {now[key] for key in moved if key in now})


def write_people(session: Session, change: PeopleChange) -> None:
    """Put the recounted rows of the people whose first days moved in place of their kept ones, and recount the
    days those first days left or came to. Under the first-day locks of those days."""
    if not change.changed:
        return
    if change.had_rows:
        session.execute(delete(ParticipantYear).where(
            ParticipantYear.community_id == change.community_id, ParticipantYear.year == change.year,
            ParticipantYear.user_id.in_(change.changed)))
    if change.new:
        session.execute(ParticipantYear.__table__.insert(), change.new)
    write_participant_days(session, change.community_id, change.year, change.days)


def write_participant_days(session: Session, community_id: int, year: int, days: set[date] | None) -> None:
    """Recount from participant_years how many people had their first day of the year on each of these days
    (None: every day of the year), per team and for the community (team None)."""
    if days is not None and not days:
        return
    first, last = date(year, 1, 1), date(year, 12, 31)
    counted = select(ParticipantYear.team_id, ParticipantYear.first_day, func.count()).where(
        ParticipantYear.community_id == community_id, ParticipantYear.year == year)
    wipe = delete(ParticipantDay).where(ParticipantDay.community_id == community_id)
    if days is None:
        wipe = wipe.where(ParticipantDay.day >= first, ParticipantDay.day <= last)
    else:
        counted = counted.where(ParticipantYear.first_day.in_(sorted(days)))
        wipe = wipe.where(ParticipantDay.day.in_(sorted(days)))
    rows = [{"community_id": community_id, "team_id": team_id, "day": as_date(day), "people": people}
            for team_id, day, people in session.execute(
                counted.group_by(ParticipantYear.team_id, ParticipantYear.first_day))]
    session.execute(wipe)
    if rows:
        session.execute(ParticipantDay.__table__.insert(), rows)


def rebuild(session: Session | None = None, community_ids: Iterable[int] | None = None) -> int:
    """Every kept row of these communities (None: all) recounted from the records. The number of days kept."""
    session = session or db.session
    if community_ids is None:
        community_ids = session.scalars(select(Team.community_id).distinct()).all()
        community_ids = sorted(set(community_ids) | set(session.scalars(select(Household.community_id).distinct())))
    kept = 0
    for community_id in sorted(set(community_ids)):
        take_locks(session, [community_key(community_id)])  # exclusive: every writer of the community holds it shared
        session.execute(delete(FigureDay).where(FigureDay.community_id == community_id))
        session.execute(delete(ParticipantYear).where(ParticipantYear.community_id == community_id))
        session.execute(delete(ParticipantDay).where(ParticipantDay.community_id == community_id))
        rows = [{"community_id": community_id, "team_id": team_id, "day": day, **values}
                for (team_id, day), values in day_rows(session, community_id, date(2000, 1, 1),
                                                       date(2099, 12, 31)).items()]
        for start in range(0, len(rows), 5000):
            session.execute(FigureDay.__table__.insert(), rows[start:start + 5000])
        kept += len(rows)
        for year in sorted({row["day"].year for row in rows}):
            write_participants(session, community_id, year)
    return kept


def community_key(community_id: int) -> tuple[int, int]:
    return ADVISORY_LOCK_CLASS, community_id


def day_key(community_id: int, day: date) -> tuple[int, int]:
    return _class(DAY_LOCKS, community_id), day.toordinal()


def person_key(community_id: int, user_id: int) -> tuple[int, int]:
    return _class(PERSON_LOCKS, community_id), user_id


def first_day_key(community_id: int, day: date) -> tuple[int, int]:
    return _class(FIRST_DAY_LOCKS, community_id), day.toordinal()


def _class(lock_class: int, community_id: int) -> int:
    """The first int of a finer key: the class above the community's bits, so a class's keys all sort after the
    class before it (and after ADVISORY_LOCK_CLASS, below 2**27). A community id past 2**27 wraps onto another
    community's keys of the same class: two writers then wait for each other, never for a lower class."""
    return lock_class << COMMUNITY_BITS | community_id & (1 << COMMUNITY_BITS) - 1


def take_locks(session: Session, exclusive: Iterable[tuple[int, int]], shared: Iterable[tuple[int, int]] = ()) -> None:
    """pg_advisory_xact_lock(int4, int4) on every key, in ascending order of key, in one statement; `shared` keys
    in shared mode. Every transaction takes its kept-figure keys in ascending order, so none waits for a key
    below one it holds: no two writers can wait for each other in a circle."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite: the write transaction (BEGIN IMMEDIATE) already admits one writer at a time
    modes = {key: True for key in shared} | {key: False for key in exclusive}
    if not modes:
        return
    keys = sorted(modes)
    # unnest gives the rows in the arrays' order, and each is locked as its row is read
    session.execute(text(
        "SELECT CASE WHEN k.shared THEN pg_advisory_xact_lock_shared(k.a, k.b) ELSE pg_advisory_xact_lock(k.a, k.b)"
        " END FROM unnest(CAST(:a AS integer[]), CAST(:b AS integer[]), CAST(:shared AS boolean[])) AS k(a, b, shared)"
    ), {"a": [a for a, _b in keys], "b": [b for _a, b in keys], "shared": [modes[key] for key in keys]})
