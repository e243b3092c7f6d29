"""Where a table's rows come from: an .xlsx read by openpyxl in read-only mode (with the merged ranges
openpyxl's read-only sheets do not expose), or a .csv in the encodings Chinese Excel writes.

Pure (no Flask, no database). Rows are yielded one at a time as (row number as Excel shows it,
cells), blank rows included as (), so the reader can number and skip them.
"""
from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path

import openpyxl

from .file_checks import (
    BROKEN_CSV,
    DAMAGED,
    MAX_COLUMNS,
    NOT_A_SPREADSHEET,
    SCANNED_ROWS_PER_ROW,
    UNKNOWN_ENCODING,
    FileRefused,
    Limits,
    check_zip,
    too_many_columns,
    too_many_scanned,
)

MAX_MERGES = 20_000  # merged ranges read from one sheet; past that the rest are left unmerged
MERGE_CELL = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref='
                        rb'"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})"')
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"


@dataclass(frozen=True)
class SheetInfo:
    name: str
    hidden: bool


def cell(value):
    """A cell as the caller gets it: text trimmed (None when nothing is left), numbers and dates as they are."""
    if value is None or isinstance(value, (bool, int, float, datetime, date)):
        return value
    if isinstance(value, str):
        text = value.strip().strip(INVISIBLE).strip()
        return text or None
    if isinstance(value, time):
        return value.strftime("%H:%M")
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


def trimmed(values: Iterable) -> tuple:
    cells = [cell(value) for value in values]
    while cells and cells[-1] is None:
        cells.pop()
    return tuple(cells)


def numbered(raw: Iterable[tuple[int, Iterable]], limits: Limits) -> Iterator[tuple[int, tuple]]:
    """Every row trimmed of trailing empty cells (blank rows as ()), with the walk's limits applied."""
    scanned_limit = limits.max_rows * SCANNED_ROWS_PER_ROW
    for scanned, (number, values) in enumerate(raw, 1):
        if scanned > scanned_limit:
            raise too_many_scanned(limits)
        cells = trimmed(values)
        if len(cells) > MAX_COLUMNS:
            raise too_many_columns()
        yield number, cells


# ---------------------------------------------------------------- .xlsx

class Workbook:
    """An openpyxl read-only workbook over a file handle we own (so no name check on the extension)."""

    def __init__(self, path: str | os.PathLike, limits: Limits):
        check_zip(path, limits)
        self.handle = open(path, "rb")
        try:
            with Quiet():
                self.book = openpyxl.load_workbook(self.handle, read_only=True, data_only=True, keep_links=False)
        except Exception as error:  # openpyxl raises many kinds on a malformed file: each means "damaged"
            self.handle.close()
            raise FileRefused(DAMAGED) from error

    def sheets(self) -> list[SheetInfo]:
        return [SheetInfo(sheet.title, sheet.sheet_state != "visible") for sheet in self.book.worksheets]

    def close(self) -> None:
        self.book.close()
        self.handle.close()


class Quiet(warnings.catch_warnings):
    """openpyxl warns about parts it drops (data validation extensions, drawings): not the person's concern."""

    def __enter__(self):
        super().__enter__()
        warnings.simplefilter("ignore")


def xlsx_rows(sheet) -> Iterator[tuple[int, tuple]]:
    """(row number, values) for every row, blank ones included, in file order, one row in memory at a time."""
    sheet.reset_dimensions()  # the <dimension> a file declares may be wrong; read what is there
    source = sheet.iter_rows(min_row=1, min_col=1, values_only=True)
    number = 0
    while True:
        try:
            with Quiet():
                values = next(source)
        except StopIteration:
            return
        except Exception as error:  # a truncated or malformed sheet found part-way through
            raise FileRefused(DAMAGED) from error
        number += 1
        yield number, values


@dataclass(frozen=True)
class Merge:
    min_row: int
    min_col: int
    max_row: int
    max_col: int

    def covers(self, row: int, column: int) -> bool:
        return self.min_row <= row <= self.max_row and self.min_col <= column <= self.max_col


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def merges_of(path: str | os.PathLike, sheet) -> list[Merge]:
    """The sheet's merged ranges, which openpyxl's read-only sheets do not expose.

    <mergeCells> follows the rows in the sheet's XML, so the XML is scanned once, in chunks, for
    <mergeCell ref="A1:C2"/> (any namespace prefix); no tree is built and no DTD is processed.
    """
    found: set[Merge] = set()
    tail = b""
    # openpyxl keeps the sheet's part name privately; tests/unit/test_import_reading.py proves it is still there
    with zipfile.ZipFile(path) as archive, archive.open(sheet._worksheet_path) as xml:
        while len(found) < MAX_MERGES:
            try:
                chunk = xml.read(1 << 20)
            except (zipfile.BadZipFile, EOFError, OSError, ValueError):
                break  # damaged: the rows' stream meets the damage where it is and refuses the file there
            if not chunk:
                break
            text = tail + chunk
            for match in MERGE_CELL.finditer(text):
                left, top, right, bottom = match.groups()
                found.add(Merge(int(top), _column_number(left), int(bottom), _column_number(right)))
            tail = text[-200:]
    return sorted(found, key=lambda merge: (merge.min_row, merge.min_col))[:MAX_MERGES]


class MergeFiller:
    """Fills each merged range in the data with its top-left value, as the sheet shows it (a 楼栋 merged down)."""

    def __init__(self, merges: list[Merge]):
        self.pending = deque(merges)
        self.active: list[tuple[Merge, object]] = []

    def fill(self, number: int, cells: tuple) -> tuple:
        while self.pending and self.pending[0].min_row <= number:
            merge = self.pending.popleft()
            if merge.min_row == number and len(cells) >= merge.min_col:
                self.active.append((merge, cells[merge.min_col - 1]))
        self.active = [(merge, value) for merge, value in self.active if merge.max_row >= number]
        if not cells or not self.active:
            return cells
        filled = list(cells)
        for merge, value in self.active:
            if value is None:
                continue
            if len(filled) < merge.max_col:
                filled.extend([None] * (merge.max_col - len(filled)))
            for column in range(merge.min_col, merge.max_col + 1):
                if (number, column) != (merge.min_row, merge.min_col) and filled[column - 1] is None:
                    filled[column - 1] = value
        return tuple(filled)


# ---------------------------------------------------------------- .csv

def _decoded(content: bytes) -> str:
    """UTF-8 (with or without the BOM Excel adds), UTF-16 with a BOM, else GB18030 (GBK's superset,
    what Chinese Excel writes by default)."""
    if content.startswith(codecs.BOM_UTF8):
        attempts = [(content[3:], "utf-8")]
    elif content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        attempts = [(content, "utf-16")]
    else:
        attempts = [(content, "utf-8"), (content, "gb18030")]
    for data, encoding in attempts:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused(UNKNOWN_ENCODING)


def csv_rows(path: str | os.PathLike) -> Iterator[tuple[int, list[str]]]:
    """The file is at most the size limit, so it is decoded whole; the records are still yielded one by one."""
    text = _decoded(Path(path).read_bytes())
    if "\x00" in text:
        raise FileRefused(NOT_A_SPREADSHEET)
    sample = text[:8192]
    delimiter = "\t" if sample.count("\t") > sample.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    number = 0
    while True:
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            raise FileRefused(BROKEN_CSV) from error
        number += 1
        yield number, values
