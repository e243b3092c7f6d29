"""The ledger's Excel layout (pure: no Flask, no database): title rows, blocks of rows, 合计, notes.

Every sheet has the same frame: row 1 the title, row 2 the period line, then its blocks, each a
header row, its rows, a 合计 row and an optional note. Text is always written as text (never as
a formula or a link), so a title such as "=HYPERLINK(…)" stays a string in Excel.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from io import BytesIO

import xlsxwriter

NUMBER_FORMATS = {"date": "yyyy-mm-dd", "hours": "0.0", "money": "0.00"}


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    kind: str = "text"  # text (or a plain number), date, hours, money


@dataclass(frozen=True)
class Total:
    """A value of a 合计 row, e.g. Total(3, '"活动场次 "0" 场"', through=5): the number 3, shown as
    "活动场次 3 场" (the cell stays a number) across the columns up to the 6th."""

    value: object
    number_format: str | None = None
    through: int | None = None  # the last column it spans (merged)


@dataclass
class Block:
    columns: tuple[Column, ...]
    rows: list[tuple]
    totals: dict[int, Total] = field(default_factory=dict)  # column → its value in the 合计 row
    note: str = ""
    caption: str = ""  # a heading above a block that is not the first of its sheet


@dataclass
class Sheet:
    name: str
    blocks: list[Block]


class _Styles:
    def __init__(self, book):
        base = {"font_name": "SimSun", "font_size": 11, "valign": "vcenter"}
        cell = {**base, "border": 1, "text_wrap": True}
        self.book, self.base, self.cell = book, base, cell
        self.title = book.add_format({**base, "bold": True, "font_size": 16, "align": "center"})
        self.subtitle = book.add_format({**base, "align": "left"})
        self.caption = book.add_format({**base, "bold": True, "font_size": 13})
        self.header = book.add_format({**cell, "bold": True, "align": "center", "bg_color": "#DDE5F0"})
        self.note = book.add_format({**base, "italic": True, "font_color": "#444444", "text_wrap": True})
        self._cells: dict[tuple[str, bool, str | None], object] = {}

    def of(self, kind: str, total: bool = False, number_format: str | None = None):
        key = (kind, total, number_format)
        if key not in self._cells:
            spec = {**self.cell, "bold": total, "top": 2 if total else 1}
            if number_format or kind in NUMBER_FORMATS:
                spec["num_format"] = number_format or NUMBER_FORMATS[kind]
            self._cells[key] = self.book.add_format(spec)
        return self._cells[key]


def write_workbook(sheets: list[Sheet], community: str, period_label: str, subtitle: str) -> bytes:
    """The .xlsx file: one worksheet per sheet, titled "<community><sheet>（<period>）"."""
    output = BytesIO()
    book = xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False,
                                        "strings_to_urls": False, "strings_to_numbers": False})
    book.set_properties({"title": f"{community}台账（{period_label}）", "company": community})
    styles = _Styles(book)
    for sheet in sheets:
        _write_sheet(book.add_worksheet(sheet.name), styles, sheet, f"{community}{sheet.name}（{period_label}）",
                     subtitle)
    book.close()
    return output.getvalue()


def _write_sheet(worksheet, styles: _Styles, sheet: Sheet, title: str, subtitle: str) -> None:
    width = max(len(block.columns) for block in sheet.blocks)
    for index in range(width):
        worksheet.set_column(index, index, max(b.columns[index].width for b in sheet.blocks if index < len(b.columns)))
    worksheet.set_row(0, 28)
    worksheet.merge_range(0, 0, 0, width - 1, title, styles.title)
    worksheet.merge_range(1, 0, 1, width - 1, subtitle, styles.subtitle)
    worksheet.freeze_panes(3, 0)
    worksheet.repeat_rows(2)
    worksheet.set_landscape()
    worksheet.set_paper(9)  # A4
    worksheet.fit_to_pages(1, 0)
    worksheet.set_footer("&C第 &P 页，共 &N 页")
    row = 2
    for block in sheet.blocks:
        if block.caption:
            row += 1
            worksheet.merge_range(row, 0, row, width - 1, block.caption, styles.caption)
            row += 1
        row = _write_block(worksheet, styles, block, row, width)


def _write_block(worksheet, styles: _Styles, block: Block, row: int, width: int) -> int:
    for index, column in enumerate(block.columns):
        worksheet.write_string(row, index, column.header, styles.header)
    row += 1
    for values in block.rows:
        for index, (column, value) in enumerate(zip(block.columns, values, strict=True)):
            _write_cell(worksheet, row, index, value, styles.of(column.kind))
        row += 1
    worksheet.write_string(row, 0, "合计", styles.of("text", total=True))
    filled = {0}
    for first, total in block.totals.items():
        kind = block.columns[first].kind if isinstance(total.value, int | float | Decimal) else "text"
        style = styles.of(kind, total=True, number_format=total.number_format)
        if total.through:
            worksheet.merge_range(row, first, row, total.through, None, style)
        _write_cell(worksheet, row, first, total.value, style)
        filled.update(range(first, (total.through or first) + 1))
    for index in set(range(len(block.columns))) - filled:
        worksheet.write_blank(row, index, None, styles.of("text", total=True))
    row += 1
    if block.note:
        worksheet.merge_range(row, 0, row, width - 1, block.note, styles.note)
        row += 1
    return row


def _write_cell(worksheet, row: int, column: int, value, style) -> None:
    if value is None or value == "":
        worksheet.write_blank(row, column, None, style)
    elif isinstance(value, bool):
        worksheet.write_string(row, column, "是" if value else "否", style)
    elif isinstance(value, int | float | Decimal):
        worksheet.write_number(row, column, value, style)
    elif isinstance(value, date):
        worksheet.write_datetime(row, column, value, style)
    else:
        worksheet.write_string(row, column, str(value), style)
