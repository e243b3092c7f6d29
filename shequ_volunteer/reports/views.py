"""统计: the figures of a period with last year's, per team, charts, the records behind each, and 台账."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Response, abort, request
from flask_login import current_user, login_required
from sqlalchemy import select

from ..communities.models import Community, Street
from ..extensions import db
from ..timeutil import local_today, utcnow
from ..web.auth import current_actor
from ..web.htmx import render_page
from . import figures, ledger, statistics
from .blueprint import bp
from .periods import PeriodError, month, parse, recent_quarters, this_period_values

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The period chooser: one option per kind the server reads, each with its own fields (the page shows only
# the chosen option's). The fields start at this month/quarter/year, so 按月 untouched is 本月.
KINDS = {"month": "按月（默认本月）", "quarter": "按季度（默认本季度）", "year": "按年（默认本年）",
         "range": "自定义起止日期", "asof": "截止某日（从当年1月1日起）"}
VALUE_FIELD = {"month": "month", "quarter": "quarter", "year": "year", "asof": "asof"}  # range: start, end
RECORD_LABELS = {"team_id": None, "id": None, "user_id": None, "household_id": None, "title": "活动/事项",
                 "starts_at": "时间", "team": "队伍", "name": "姓名", "seats": "人数", "head_name": "帮扶对象",
                 "building": "楼栋", "tier": "等级", "visit_interval_days": None, "starts_on": "结对开始",
                 "visited_on": "探访日期", "way": "方式", "reason": "事由", "status": "状态", "kind": "类型",
                 "joined_at": "入队时间", "served_at": "日期", "minutes": "分钟", "source": "来源",
                 "moment": None, "community_id": None}


def staff_community() -> int:
    actor = current_actor()
    if not actor.is_staff:
        abort(404)
    return actor.community_id


@dataclass
class PeriodChoice:
    """What the period chooser shows: the chosen kind and every option's field values."""
    kind: str
    values: dict[str, str]
    quarters: list[tuple[str, str]]


def requested_period():
    """The period the form asks for (this month when it asks for none), the chooser's state, the error.

    Each kind reads its own field; `value` is still read for links made before the fields were split."""
    args, today = request.args, local_today(utcnow())
    typed = {key: args.get(key, "")[:20] for key in ("month", "quarter", "year", "start", "end", "asof")}
    kind = args.get("kind", "")[:20]
    value = typed.get(VALUE_FIELD.get(kind, ""), "") or args.get("value", "")[:20]
    if kind in VALUE_FIELD:
        typed[VALUE_FIELD[kind]] = value
    choice = PeriodChoice(kind or "month", {**this_period_values(today), **{k: v for k, v in typed.items() if v}},
                          recent_quarters(today))
    if not kind:
        return month(today.year, today.month), choice, None
    try:
        return parse(kind, value, typed["start"], typed["end"]), choice, None
    except PeriodError as error:
        return None, choice, str(error)


@bp.get("")
@login_required
def index():
    community_id = staff_community()
    period, typed, error = requested_period()
    report = statistics.build(community_id, period, utcnow()) if period else None
    return render_page("reports/index.html", "report", status=422 if error else 200, report=report, typed=typed,
                       error=error, kinds=KINDS, query=request.query_string.decode("ascii", "replace"),
                       team_columns=[figures.BY_KEY[key] for key in statistics.TEAM_COLUMNS])


@bp.get("/street")
@login_required
def street():
    """街道 viewers and the 街道's administrator: every community of the 街道 and the totals; aggregates only."""
    actor = current_actor()
    if actor.is_admin and actor.street_id is not None:
        street = db.session.get(Street, actor.street_id)
        where, street_name = Community.street_id == street.id, street.name
    elif actor.is_viewer:
        mine = db.session.get(Community, actor.community_id)
        where = Community.street_id == mine.street_id if mine.street_id else Community.id == mine.id
        street_name = mine.street.name if mine.street else mine.name
    else:
        abort(404)
    communities = db.session.execute(select(Community.id, Community.name).where(where).order_by(Community.id)).all()
    period, typed, error = requested_period()
    rows = statistics.street([c.id for c in communities], dict(communities), period, utcnow()) if period else []
    return render_page("reports/street.html", "report", status=422 if error else 200, rows=rows, period=period,
                       typed=typed, error=error, kinds=KINDS, figures=figures.FIGURES,
                       street_name=street_name)


@bp.get("/records/<key>")
@login_required
def records(key: str):
    community_id = staff_community()
    figure = figures.BY_KEY.get(key) or abort(404)
    period, typed, error = requested_period()
    if error:
        abort(404)
    rows = [row._asdict() for row in db.session.execute(
        figure.records(community_id, figures.Window(period, utcnow())).limit(2000))]
    columns = [name for name in (rows[0] if rows else {}) if RECORD_LABELS.get(name, name)]
    return render_page("reports/records.html", figure=figure, period=period, rows=rows, columns=columns,
                       labels=RECORD_LABELS, query=request.query_string.decode("ascii", "replace"))


@bp.get("/ledger.xlsx")
@login_required
def ledger_xlsx():
    """下载台账: the period's three ledgers; staff of the community only (others 404)."""
    actor, community_id = current_actor(), staff_community()
    period, typed, error = requested_period()
    if error:
        return render_page("reports/index.html", "report", status=422, report=None, typed=typed, error=error,
                           kinds=KINDS, query="")
    community, body = ledger.export(actor, community_id, period, utcnow(), current_user.name)
    db.session.commit()  # no file leaves without its access-log rows
    response = Response(body, mimetype=XLSX)
    response.headers["Content-Disposition"] = ledger.file_names(community, period)
    response.headers["Cache-Control"] = "private, no-store"
    return response
