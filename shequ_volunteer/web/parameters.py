"""What a URL may carry into a query: no NUL, on either database.

PostgreSQL refuses NUL in text (psycopg DataError, a 500), SQLite takes it: the one difference in what
the two accept, and it must not reach a query. Forms refuse it with the rest of the control characters
(web/forms.py); here is the one place for URLs. Every query-string value and name has its NULs removed
before any view reads `request.args` (a NUL means nothing in a search or a filter, and the other control
characters still reach the views and forms that refuse them); a path segment holding one names nothing,
so the answer is 404. Werkzeug already decodes bytes that are not UTF-8 to U+FFFD, which both accept.
"""
from __future__ import annotations

from flask import Flask, Request, abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.utils import cached_property

from .routing import MAX_ID

NUL = "\x00"


class SafeArgsRequest(Request):
    """A request whose query string arrives without NUL."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        raw = super().args
        if not any(NUL in name or NUL in value for name, value in raw.items(multi=True)):
            return raw
        return ImmutableMultiDict([(name.replace(NUL, ""), value.replace(NUL, ""))
                                   for name, value in raw.items(multi=True)])


def id_arg(name: str) -> int | None:
    """A query-string id (`?person=12`), or None when it is missing or no id column could hold it:
    PostgreSQL would refuse the number ("integer out of range") where SQLite finds nothing."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 < value <= MAX_ID else None


def install(app: Flask) -> None:
    app.request_class = SafeArgsRequest

    @app.url_value_preprocessor
    def _no_nul_in_paths(_endpoint, values):
        if values and any(isinstance(value, str) and NUL in value for value in values.values()):
            abort(404)
