"""URL converters."""
from __future__ import annotations

from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1  # ids are INTEGER columns


class IdConverter(IntegerConverter):
    """`<int:...>` in our URLs is always a database id: a number no id column can hold
    is simply not found, rather than an overflow error from the database driver."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)
