"""The statistics page's content for a community and a period, from figures.py only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..teams.models import Team
from . import charts, figures, kept_reads
from .periods import Period, months_of

LIVE = ("teams", "volunteers", "new_members", "households")  # figures that do not grow with history
TEAM_COLUMNS = ("activities", "person_times", "participants", "hours", "volunteers", "households", "visits")


@dataclass(frozen=True)
class Line:
    figure: figures.Figure
    now: float
    before: float

    @property
    def change(self) -> str:
        if self.before == 0:
            return "—" if self.now == 0 else "新增"
        percent = (self.now - self.before) / self.before * 100
        return f"{percent:+.0f}%"


def shown(figure: figures.Figure, value) -> float:
    """Minutes are shown as hours with one decimal; everything else as counted."""
    return round(value / 60, 1) if figure.key == "hours" else value


@dataclass
class Report:
    period: Period
    lines: list[Line]
    coverage_now: tuple[int, int]
    coverage_before: tuple[int, int]
    teams: list[tuple[int | None, str, dict]]
    charts: list[str]


def _totals(sums: dict[str, dict], people: int, live: dict) -> dict:
    """Every figure's total: the summable ones added up over their teams or communities."""
    return {**{key: sum(values.values()) for key, values in sums.items()}, "participants": people, **live}


def build(community_id: int, period: Period, now: datetime) -> Report:
    """The figures of the period and of the same period last year. The summable ones and 参与人数 come from the
    kept rows (kept_reads), the others — which do not grow with history — from the records."""
    window, last = figures.Window(period, now), figures.Window(period.last_year(), now)
    sums, sums_before = kept_reads.summed(community_id, period, now), kept_reads.summed(community_id, last.period, now)
    people, team_people = kept_reads.participants(community_id, period, now)
    people_before, _ = kept_reads.participants(community_id, last.period, now)
    current = _totals(sums, people, figures.values(community_id, window, keys=LIVE))
    before = _totals(sums_before, people_before, figures.values(community_id, last, keys=LIVE))
    lines = [Line(fig, shown(fig, current[fig.key]), shown(fig, before[fig.key])) for fig in figures.FIGURES]
    per_team = {**{key: sums[key] for key in TEAM_COLUMNS if key in sums}, "participants": team_people,
                **figures.values(community_id, window, keys=("volunteers", "households"), by_team=True)}
    per_team_before = sums_before["person_times"]
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.community_id == community_id)
                                    .order_by(Team.id)).all())
    teams = [(team_id, name, {key: shown(figures.BY_KEY[key], per_team[key].get(team_id, 0)) for key in TEAM_COLUMNS})
             for team_id, name in names.items()]
    if any(None in values for values in per_team.values()):
        teams.append((None, "个人结对", {key: shown(figures.BY_KEY[key], per_team[key].get(None, 0))
                                      for key in TEAM_COLUMNS}))
    pictures = [charts.bar_chart("各队参与人次",
                                 [(name, per_team["person_times"].get(team_id, 0), per_team_before.get(team_id, 0))
                                  for team_id, name in names.items()])]
    months = months_of(period)
    if len(months) > 1:
        by_day = kept_reads.activities_by_day(community_id, period, now)
        pictures.append(charts.line_chart("每月活动场次", [
            (piece.label, sum(value for day, value in by_day.items() if piece.start <= day <= piece.end))
            for piece in months], "场"))
    return Report(period, lines, figures.coverage_in_sql(community_id, window).get(community_id, (0, 0)),
                  figures.coverage_in_sql(community_id, last).get(community_id, (0, 0)),
                  teams, pictures)


@dataclass
class StreetRow:
    name: str
    values: dict
    coverage: tuple[int, int]


def street(community_ids: list[int], names: dict[int, str], period: Period, now: datetime) -> list[StreetRow]:
    """A 街道's view: each community's figures, then the totals over all of them (computed over the
    communities together, so a person who took part in two communities is one 参与人数)."""
    window, scope = figures.Window(period, now), list(community_ids)
    sums = kept_reads.summed(scope, period, now, by="community")
    people, community_people = kept_reads.participants(scope, period, now, by="community")
    found_coverage = figures.coverage_in_sql(scope, window)
    coverages = {cid: found_coverage.get(cid, (0, 0)) for cid in community_ids}
    live = figures.values(scope, window, keys=LIVE, by_community=True)
    rows = []
    for cid in community_ids:
        found = _totals({key: {cid: values.get(cid, 0)} for key, values in sums.items()},
                        community_people.get(cid, 0), {key: values.get(cid, 0) for key, values in live.items()})
        rows.append(StreetRow(names[cid], {fig.key: shown(fig, found[fig.key]) for fig in figures.FIGURES},
                              coverages[cid]))
    found = _totals(sums, people, figures.values(scope, window, keys=LIVE))
    rows.append(StreetRow("合计", {fig.key: shown(fig, found[fig.key]) for fig in figures.FIGURES},
                          (sum(c[0] for c in coverages.values()), sum(c[1] for c in coverages.values()))))
    return rows
