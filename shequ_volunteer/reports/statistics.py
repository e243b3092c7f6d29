"""The statistics page's content for a community and a period, from figures.py only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from ..extensions import db
from ..teams.models import Team
from . import charts, figures
from .periods import Period, months_of

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


def build(community_id: int, period: Period, now: datetime) -> Report:
    window, last = figures.Window(period, now), figures.Window(period.last_year(), now)
    current, before = figures.values(community_id, window), figures.values(community_id, last)
    lines = [Line(fig, shown(fig, current[fig.key]), shown(fig, before[fig.key])) for fig in figures.FIGURES]
    per_team = figures.values(community_id, window, keys=TEAM_COLUMNS, by_team=True)
    per_team_before = figures.values(community_id, last, keys=("person_times",), by_team=True)["person_times"]
    names = dict(db.session.execute(select(Team.id, Team.name).where(Team.community_id == community_id)
                                    .order_by(Team.id)).all())
    teams = [(team_id, name, {key: shown(figures.BY_KEY[key], per_team[key].get(team_id, 0)) for key in TEAM_COLUMNS})
             for team_id, name in names.items()]
    if any(None in values for values in per_team.values()):
        teams.append((None, "个人结对", {key: shown(figures.BY_KEY[key], per_team[key].get(None, 0))
                                      for key in TEAM_COLUMNS}))
    pictures = [charts.bar_chart("各队参与人次（深色本期，浅色上年同期）",
                                 [(name, per_team["person_times"].get(team_id, 0), per_team_before.get(team_id, 0))
                                  for team_id, name in names.items()], "人次")]
    months = months_of(period)
    if len(months) > 1:
        activities = figures.BY_KEY["activities"]
        pictures.append(charts.line_chart("每月活动场次", [
            (piece.label, activities.value(community_id, figures.Window(piece, now))) for piece in months], "场"))
    return Report(period, lines, figures.coverage(community_id, window), figures.coverage(community_id, last),
                  teams, pictures)


@dataclass
class StreetRow:
    name: str
    values: dict
    coverage: tuple[int, int]


def street(community_ids: list[int], names: dict[int, str], period: Period, now: datetime) -> list[StreetRow]:
    """A 街道's view: each community's figures, then the totals over all of them (computed over the
    communities together, so a person who took part in two communities is one 参与人数)."""
    window = figures.Window(period, now)
    rows = []
    for scope, name in [*((cid, names[cid]) for cid in community_ids), (list(community_ids), "合计")]:
        found = figures.values(scope, window)
        values = {fig.key: shown(fig, found[fig.key]) for fig in figures.FIGURES}
        coverages = [figures.coverage(cid, window) for cid in (scope if isinstance(scope, list) else [scope])]
        rows.append(StreetRow(name, values, (sum(c[0] for c in coverages), sum(c[1] for c in coverages))))
    return rows
