"""Reading the lists communities keep: an .xlsx or .csv file as a header and a stream of rows.

Pure (no Flask, no database). A file that cannot be read raises `FileRefused`, whose message says
in Chinese what to do. Nothing here judges a row: that is `cleaning.py`'s work; this module only
finds the table in the file the way a person looking at it would (the header below a title row,
merged header cells, blank rows and trailing columns left out) and keeps memory flat: an .xlsx is
read by openpyxl in read-only mode, row by row, with formulas' cached values and never evaluated.
"""
from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .file_checks import (
    DAMAGED,
    DEFAULT_LIMITS,
    ENCRYPTED,
    MAX_COLUMNS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    NOT_A_SPREADSHEET,
    OLD_EXCEL,
    OPEN_DOCUMENT,
    UNKNOWN_ENCODING,
    WEB_PAGE,
    WORD,
    FileRefused,
    Limits,
    kind_of_file,
    limits_in_words,
    too_many_rows,
)
from .sources import INVISIBLE, Merge, MergeFiller, SheetInfo, Workbook, csv_rows, merges_of, numbered, xlsx_rows

__all__ = ["DAMAGED", "DEFAULT_LIMITS", "ENCRYPTED", "MAX_COLUMNS", "MAX_FILE_BYTES", "MAX_ROWS",
           "MAX_UNCOMPRESSED_BYTES", "NOT_A_SPREADSHEET", "OLD_EXCEL", "OPEN_DOCUMENT", "UNKNOWN_ENCODING",
           "WEB_PAGE", "WORD", "FileRefused", "Limits", "SheetInfo", "Table", "header_text", "limits_in_words",
           "list_sheets", "open_table"]

HEADER_SEARCH_ROWS = 15  # non-blank rows looked at for the header (title rows above it are common)
MAX_HEADER_DEPTH = 3  # rows a header may span through vertically merged cells (大类 over 小类)

NO_HEADER = (f"前 {HEADER_SEARCH_ROWS} 行里找不到表头（写着列名的一行，至少两列）。"
             "请把列名（如 姓名、手机号）放在表格上方，再导入。")


@dataclass
class Table:
    """One sheet read as a table: its header and, lazily, its rows.

    `rows` yields (row number as Excel shows it, cell values) for each row below the header that is
    not blank; each tuple is at least as long as `headers` (padded with None) and may be longer when
    cells stand right of the last header. Iterating it may raise `FileRefused` (too many rows, a
    damaged file found only part-way through). Close the table (or use it in a `with`) when not
    reading it to the end.
    """
    sheet: str
    header_row: int
    headers: list[str]
    rows: Iterator[tuple[int, tuple]]
    hidden_sheets: list[str] = field(default_factory=list)
    _close: Callable[[], None] = field(default=lambda: None, repr=False)

    def close(self) -> None:
        self._close()

    def __enter__(self) -> Table:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def header_text(value) -> str:
    """A header cell as text: whitespace collapsed, and dropped next to Chinese ('联系\\n电话' → '联系电话')."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date()
    text = re.sub(r"\s+", " ", str(value).strip(INVISIBLE)).strip()
    return re.sub(r"\s*([^\x00-\x7f])\s*", r"\1", text)


# ---------------------------------------------------------------- the table

def list_sheets(path: str | os.PathLike, filename: str, *, limits: Limits = DEFAULT_LIMITS) -> list[SheetInfo]:
    """The file's sheets in their order, hidden ones marked; a CSV is one sheet named after the file."""
    if kind_of_file(path, filename, limits) == "csv":
        return [SheetInfo(Path(filename).stem or "CSV", False)]
    book = Workbook(path, limits)
    try:
        return book.sheets()
    finally:
        book.close()


def open_table(path: str | os.PathLike, filename: str, sheet: str | None = None,
               is_header: Callable[[list[str]], bool] | None = None, *,
               limits: Limits = DEFAULT_LIMITS) -> Table:
    """The table on `sheet` (default: the first visible sheet) with its header found and rows ready to stream.

    `is_header(texts)` says whether a row's cleaned texts are the header (e.g. they name a phone or
    name column); the first of the first HEADER_SEARCH_ROWS non-blank rows it accepts is the header.
    When it accepts none, or none is given, the header is the first row with at least two text cells.
    """
    if kind_of_file(path, filename, limits) == "csv":
        name = Path(filename).stem or "CSV"
        if sheet not in (None, name):
            raise FileRefused(f"找不到工作表“{sheet}”。")
        rows = numbered(csv_rows(path), limits)
        return _table(name, rows, [], [], is_header, limits, close=lambda: None)

    book = Workbook(path, limits)
    try:
        sheets = book.sheets()
        hidden = [info.name for info in sheets if info.hidden]
        visible = [info.name for info in sheets if not info.hidden]
        if sheet is None:
            if not visible:
                raise FileRefused("这个文件里没有可见的工作表。请在 Excel 里取消隐藏要导入的工作表。")
            sheet = visible[0]
        elif sheet in hidden:
            raise FileRefused(f"工作表“{sheet}”是隐藏的，已忽略。如要导入它，请在 Excel 里取消隐藏后再上传。")
        elif sheet not in visible:
            raise FileRefused(f"找不到工作表“{sheet}”。")
        worksheet = book.book[sheet]
        merges = merges_of(path, worksheet)
        rows = numbered(xlsx_rows(worksheet), limits)
        return _table(sheet, rows, merges, hidden, is_header, limits, close=book.close)
    except BaseException:
        book.close()
        raise


def _default_is_header(cells: tuple) -> bool:
    return sum(1 for value in cells if isinstance(value, str)) >= 2


def _table(sheet: str, rows: Iterator[tuple[int, tuple]], merges: list[Merge], hidden: list[str],
           is_header: Callable[[list[str]], bool] | None, limits: Limits, close: Callable[[], None]) -> Table:
    """Find the header among the first non-blank rows, then hand the rest on as the table's rows."""
    seen: list[tuple[int, tuple]] = []  # every row read so far, blank ones included, until the header is found
    non_blank = 0
    for number, cells in rows:
        seen.append((number, cells))
        non_blank += bool(cells)
        if non_blank >= HEADER_SEARCH_ROWS:
            break
    candidates = [(number, cells) for number, cells in seen if cells]
    header_row = next((number for number, cells in candidates
                       if is_header and is_header([header_text(value) for value in cells])), None)
    if header_row is None:
        header_row = next((number for number, cells in candidates if _default_is_header(cells)), None)
    if header_row is None:
        raise FileRefused(NO_HEADER)

    header_merges = [merge for merge in merges if merge.min_row <= header_row <= merge.max_row]
    bottom = max([header_row] + [merge.max_row for merge in header_merges if merge.min_row == header_row])
    bottom = min(bottom, header_row + MAX_HEADER_DEPTH - 1)
    while seen[-1][0] < bottom + 1:  # the row below the header too, to see whether it holds 小类
        extra = next(rows, None)
        if extra is None:
            break
        seen.append(extra)
    if bottom == header_row and _holds_subheaders(dict(seen).get(header_row + 1, ()), header_merges):
        bottom = header_row + 1
    grid = {number: cells for number, cells in seen if header_row <= number <= bottom}
    headers = _headers(grid, header_row, bottom,
                       [merge for merge in merges if merge.min_row <= bottom and merge.max_row >= header_row])

    filler = MergeFiller([merge for merge in merges if merge.min_row > bottom])
    remaining = [(number, cells) for number, cells in seen if number > bottom]

    def data_rows() -> Iterator[tuple[int, tuple]]:
        count = 0
        try:
            for number, cells in _chain(remaining, rows):
                filled = filler.fill(number, cells)
                if not cells:  # blank in the file: skipped, even where a merged cell above reaches into it
                    continue
                count += 1
                if count > limits.max_rows:
                    raise too_many_rows(limits)
                if len(filled) < len(headers):
                    filled = filled + (None,) * (len(headers) - len(filled))
                yield number, filled
        finally:
            close()

    return Table(sheet=sheet, header_row=header_row, headers=headers, rows=data_rows(),
                 hidden_sheets=hidden, _close=close)


def _holds_subheaders(cells: tuple, header_merges: list[Merge]) -> bool:
    """A row of 小类 under a header whose 大类 are merged across columns: only text, and only under those merges.

    Needed when the header's other cells are not merged down over the second row (a common way to draw it).
    """
    spans = [merge for merge in header_merges if merge.min_row == merge.max_row and merge.max_col > merge.min_col]
    filled = [(column, value) for column, value in enumerate(cells, 1) if value is not None]
    return bool(spans and filled) and all(
        isinstance(value, str) and any(merge.min_col <= column <= merge.max_col for merge in spans)
        for column, value in filled)


def _chain(first: list, then: Iterator) -> Iterator:
    yield from first
    yield from then


def _headers(grid: dict[int, tuple], top: int, bottom: int, merges: list[Merge]) -> list[str]:
    """Each column's header: merged cells filled across their span; under a merged 大类, the 小类 below it.

    A 小类 that names two columns (户主/姓名 and 联系人/姓名) keeps its 大类 in front: 户主姓名, 联系人姓名.
    """
    def text(row: int, column: int) -> str:
        for merge in merges:
            if merge.covers(row, column):
                row, column = merge.min_row, merge.min_col
                break
        cells = grid.get(row, ())
        return header_text(cells[column - 1]) if column <= len(cells) else ""

    width = max([len(cells) for cells in grid.values()] + [merge.max_col for merge in merges] + [0])
    parts: list[list[str]] = []
    for column in range(1, width + 1):
        texts: list[str] = []
        for row in range(top, bottom + 1):
            piece = text(row, column)
            if piece and (not texts or texts[-1] != piece):
                texts.append(piece)
        parts.append(texts)
    leaves = [texts[-1] if texts else "" for texts in parts]
    headers = ["".join(texts) if leaves.count(leaf) > 1 and len(texts) > 1 else leaf
               for leaf, texts in zip(leaves, parts, strict=True)]
    while headers and not headers[-1]:
        headers.pop()
    return headers
