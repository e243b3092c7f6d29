"""Tables as imports.reading.open_table gives them, built in memory for the import service tests (the files
themselves are the reader's tests): headers, then (row number as Excel shows it, cells) a row at a time."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass
class Table:
    """The shape of imports.reading.Table."""

    sheet: str
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, tuple]]
    hidden_sheets: list[str] = field(default_factory=list)


def table(headers: list[str], *rows, header_row: int = 1) -> Table:
    """Rows numbered from just under the header; a row given as None is a blank line of the file (not handed
    on, as the reader skips it, but counted in the numbers)."""
    numbered = [(header_row + offset, tuple(cells)) for offset, cells in enumerate(rows, start=1) if cells is not None]
    return Table("Sheet1", header_row, list(headers), iter(numbered))


def residents(count: int, first_phone: int = 13700000000) -> Table:
    """A resident list of `count` people with phones in mixed formats."""
    formats = (str, float, lambda n: f"{str(n)[:3]}-{str(n)[3:7]}-{str(n)[7:]}", lambda n: f"+86 {n}")
    return table(["序号", "姓名", "手机号码", "楼号", "门牌号", "出生日期"],
                 *([number + 1, f"居民{number}", formats[number % 4](first_phone + number), "3", f"{number}室",
                    "1950/3/5"] for number in range(count)))
