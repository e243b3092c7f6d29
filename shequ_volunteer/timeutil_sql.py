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
from sqlalchemy.types import TypeEngine

from .timeutil import UTC_OFFSET

OFFSET_HOURS = int(UTC_OFFSET.total_seconds()) // 3600
NOON_AFTER_UTC_MIDNIGHT = 12 - OFFSET_HOURS  # noon in Beijing is 04:00 UTC of the same date


def _in_each_database(name: str, doc: str, type_: TypeEngine, sqlite: str, postgresql: str) -> type:
    """A SQL function element written once per database: `sqlite` and `postgresql` are templates whose {0}, {1}, …
    are the compiled arguments, in order."""
    element = type(name, (FunctionElement,), {"__doc__": doc, "type": type_, "inherit_cache": True})
    for dialect, template in (("sqlite", sqlite), ("postgresql", postgresql)):
        def compile_in(call, compiler, _template=template, **kw):
            return _template.format(*(compiler.process(argument, **kw) for argument in call.clauses))
        compiles(element, dialect)(compile_in)
    return element


minutes_between = _in_each_database(
    "minutes_between", "Whole minutes from one timestamp column (start) to another (end).", Integer(),
    sqlite="CAST(ROUND((julianday({1}) - julianday({0})) * 1440) AS INTEGER)",
    postgresql="CAST(ROUND(EXTRACT(EPOCH FROM ({1} - {0})) / 60) AS INTEGER)")

noon_in_shanghai = _in_each_database(
    "noon_in_shanghai", "A date column as the naive-UTC moment of noon that day in Shanghai (04:00 UTC).", DateTime(),
    sqlite=f"datetime({{0}}, '{NOON_AFTER_UTC_MIDNIGHT:+d} hours')",
    postgresql=f"(CAST({{0}} AS TIMESTAMP) + INTERVAL '{NOON_AFTER_UTC_MIDNIGHT} hours')")

shanghai_day = _in_each_database(
    "shanghai_day", "The Beijing day of a naive-UTC timestamp column (timeutil.local_date in SQL).", Date(),
    sqlite=f"date({{0}}, '{OFFSET_HOURS:+d} hours')",
    postgresql=f"CAST(({{0}} + INTERVAL '{OFFSET_HOURS} hours') AS DATE)")

days_before = _in_each_database(
    "days_before", "A Beijing date less a whole number of days taken from a column: `day - days`.", Date(),
    sqlite="date({0}, '-' || ({1}) || ' days')",
    postgresql="(CAST({0} AS DATE) - ({1}))")
