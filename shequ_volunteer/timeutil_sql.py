"""timeutil's Beijing days as SQL column expressions, in each database's own words.

A report or a recount that groups thousands of rows by Beijing day cannot call timeutil.local_date per row, so the
same rule is written here once as SQL: a naive-UTC moment plus timeutil.UTC_OFFSET is its Beijing wall time. That
holds because China keeps one offset all year (timeutil says so, and tests/services/test_timeutil.py proves it for
every day of the years the product will see).
"""
from __future__ import annotations

from sqlalchemy import Date, DateTime, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

from .timeutil import UTC_OFFSET

OFFSET_HOURS = int(UTC_OFFSET.total_seconds()) // 3600
NOON_AFTER_UTC_MIDNIGHT = 12 - OFFSET_HOURS  # noon in Beijing is 04:00 UTC of the same date


class minutes_between(FunctionElement):
    """Whole minutes from one timestamp column to another, in each database's own words."""

    type = Integer()
    inherit_cache = True


@compiles(minutes_between, "sqlite")
def _minutes_sqlite(element, compiler, **kw):
    start, end = list(element.clauses)
    return (f"CAST(ROUND((julianday({compiler.process(end, **kw)}) - julianday({compiler.process(start, **kw)}))"
            f" * 1440) AS INTEGER)")


@compiles(minutes_between, "postgresql")
def _minutes_postgresql(element, compiler, **kw):
    start, end = list(element.clauses)
    seconds = f"EXTRACT(EPOCH FROM ({compiler.process(end, **kw)} - {compiler.process(start, **kw)}))"
    return f"CAST(ROUND({seconds} / 60) AS INTEGER)"


class noon_in_shanghai(FunctionElement):
    """A date column as the naive-UTC moment of noon that day in Shanghai (04:00 UTC)."""

    type = DateTime()
    inherit_cache = True


@compiles(noon_in_shanghai, "sqlite")
def _noon_sqlite(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"datetime({compiler.process(day, **kw)}, '{NOON_AFTER_UTC_MIDNIGHT:+d} hours')"


@compiles(noon_in_shanghai, "postgresql")
def _noon_postgresql(element, compiler, **kw):
    (day,) = list(element.clauses)
    return f"(CAST({compiler.process(day, **kw)} AS TIMESTAMP) + INTERVAL '{NOON_AFTER_UTC_MIDNIGHT} hours')"


class shanghai_day(FunctionElement):
    """The Beijing day of a naive-UTC timestamp column (timeutil.local_date in SQL: China keeps UTC+8 all year)."""

    type = Date()
    inherit_cache = True


@compiles(shanghai_day, "sqlite")
def _day_sqlite(element, compiler, **kw):
    (moment,) = list(element.clauses)
    return f"date({compiler.process(moment, **kw)}, '{OFFSET_HOURS:+d} hours')"


@compiles(shanghai_day, "postgresql")
def _day_postgresql(element, compiler, **kw):
    (moment,) = list(element.clauses)
    return f"CAST(({compiler.process(moment, **kw)} + INTERVAL '{OFFSET_HOURS} hours') AS DATE)"


class days_before(FunctionElement):
    """A Beijing date less a whole number of days taken from a column: `day - days` in each database's words."""

    type = Date()
    inherit_cache = True


@compiles(days_before, "sqlite")
def _days_before_sqlite(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"date({compiler.process(day, **kw)}, '-' || ({compiler.process(days, **kw)}) || ' days')"


@compiles(days_before, "postgresql")
def _days_before_postgresql(element, compiler, **kw):
    day, days = list(element.clauses)
    return f"(CAST({compiler.process(day, **kw)} AS DATE) - ({compiler.process(days, **kw)}))"
