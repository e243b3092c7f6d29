"""The two files the import pages hand out: a kind's blank template, and the problem rows of an upload.

Pure (no Flask, no database): each returns the .xlsx bytes, written by xlsxwriter with every text
written as text (a cell reading "=1+1" or "13800000000" stays as typed, never a formula or a number).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from io import BytesIO

import xlsxwriter

from .columns import FIELDS, KIND_LABELS
from .file_checks import DEFAULT_LIMITS, Limits, limits_in_words

DATA_SHEET = "名单"
NOTES_SHEET = "说明"
PROBLEM_COLUMN = "问题"
KIND_NOTES = {
    "residents": ("一行一人。已在网站上的人按手机号认出，只补上新填的内容；"
                  "新的人不能登录，等工作人员在“居民”页为他开通账号。"),
    "members": "一行一人一队。队伍须已在网站上建好；手机号在网站上已有的人直接加入队伍，没有的按姓名新建。",
    "households": "一行一户，只填帮扶需要的最少信息。按小区、楼栋、室认出已登记的户；类别只有工作人员能看到。",
}


def _book(output: BytesIO):
    return xlsxwriter.Workbook(output, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
                                        "strings_to_numbers": False})


def template_workbook(kind: str, limits: Limits = DEFAULT_LIMITS) -> bytes:
    """The kind's template: Chinese headers (required ones marked), one example row, a drop-down list where the
    values are fixed, every column formatted as text (phones and 2-201 stay as typed), and a 说明 sheet."""
    fields = FIELDS[kind]
    output = BytesIO()
    book = _book(output)
    book.set_properties({"title": f"{KIND_LABELS[kind]}导入模板"})
    text = book.add_format({"num_format": "@", "font_size": 12})
    header = book.add_format({"bold": True, "font_size": 12, "bg_color": "#E8F0FE", "border": 1, "num_format": "@"})
    required = book.add_format({"bold": True, "font_size": 12, "bg_color": "#FFE8A3", "border": 1,
                                "num_format": "@"})
    sheet = book.add_worksheet(DATA_SHEET)
    sheet.freeze_panes(1, 0)
    for column, field in enumerate(fields):
        sheet.set_column(column, column, max(12, 2.2 * len(field.label) + 4), text)
        sheet.write_string(0, column, field.label, required if field.required else header)
        if field.example:
            sheet.write_string(1, column, field.example)
        if field.choices:
            sheet.data_validation(1, column, limits.max_rows, column, {
                "validate": "list", "source": list(field.choices), "error_type": "warning",
                "error_title": field.label, "error_message": f"请从下拉列表中选择：{'、'.join(field.choices)}",
                "input_title": field.label, "input_message": "、".join(field.choices)})
    _notes_sheet(book, kind, limits)
    book.close()
    return output.getvalue()


def _notes_sheet(book, kind: str, limits: Limits) -> None:
    title = book.add_format({"bold": True, "font_size": 16})
    bold = book.add_format({"bold": True, "font_size": 12, "bg_color": "#E8F0FE", "border": 1, "text_wrap": True,
                            "valign": "top"})
    wrapped = book.add_format({"font_size": 12, "text_wrap": True, "valign": "top", "border": 1})
    plain = book.add_format({"font_size": 12, "text_wrap": True, "valign": "top"})
    notes = book.add_worksheet(NOTES_SHEET)
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 8)
    notes.set_column(2, 2, 60)
    notes.set_column(3, 3, 24)
    notes.write_string(0, 0, f"{KIND_LABELS[kind]}导入模板：怎么填", title)
    notes.merge_range(1, 0, 1, 3, KIND_NOTES[kind], plain)
    notes.set_row(1, 36)
    for column, heading in enumerate(("列名", "必填", "怎么填", "可选值")):
        notes.write_string(3, column, heading, bold)
    row = 4
    for row, field in enumerate(FIELDS[kind], start=4):
        notes.write_string(row, 0, field.label, wrapped)
        notes.write_string(row, 1, "必填" if field.required else "", wrapped)
        also = f"（也认：{'、'.join(field.synonyms[:4])}）" if field.synonyms else ""
        notes.write_string(row, 2, f"{field.note}{also}", wrapped)
        notes.write_string(row, 3, "、".join(field.choices), wrapped)
    first = row + 3
    notes.write_string(first - 1, 0, "文件要求", bold)
    general = [*limits_in_words(limits),
               "第一行是列名，可以在上面加标题行；列的顺序、多出来的列都没关系，导入时可以指定每列对应什么",
               "示例行（第2行）请改成真实内容或删除",
               "导入前会先预览：哪些新建、哪些更新、哪些有问题；确认后才写入。同一文件导入两次不会重复"]
    for line_row, line in enumerate(general, start=first):
        notes.merge_range(line_row, 0, line_row, 3, line, plain)


def problem_rows_workbook(headers: Sequence[str], problems: Iterable) -> bytes:
    """The rows of the uploaded file that have problems, as the file holds them, with a 问题 column last:
    fix them there and import this file again. `problems` are imports.plan.Problem (row, column, message,
    values); a row with several problems is written once, its messages joined."""
    by_row: dict[int, tuple[tuple, list[str]]] = {}
    for problem in problems:
        values, messages = by_row.setdefault(problem.row, (tuple(problem.values), []))
        messages.append(f"{problem.column}：{problem.message}" if problem.column else problem.message)
    width = max([len(headers)] + [len(values) for values, _ in by_row.values()])
    output = BytesIO()
    book = _book(output)
    header = book.add_format({"bold": True, "bg_color": "#E8F0FE", "border": 1})
    flagged = book.add_format({"bold": True, "font_color": "#B00020", "text_wrap": True})
    formats = {"date": book.add_format({"num_format": "yyyy-mm-dd"}), "whole": book.add_format({"num_format": "0"})}
    sheet = book.add_worksheet("问题行")
    sheet.freeze_panes(1, 0)
    sheet.set_column(0, width - 1, 14)
    sheet.set_column(width, width, 40)
    for column in range(width):
        sheet.write_string(0, column, headers[column] if column < len(headers) else "", header)
    sheet.write_string(0, width, PROBLEM_COLUMN, header)
    for row, (number, (values, messages)) in enumerate(sorted(by_row.items()), start=1):
        for column, value in enumerate(values):
            _write_value(sheet, row, column, value, formats)
        sheet.write_string(row, width, f"原第{number}行 " + "；".join(messages), flagged)
    book.close()
    return output.getvalue()


def _write_value(sheet, row: int, column: int, value, formats: dict) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int):
        sheet.write_number(row, column, value, formats["whole"])  # a phone as a number, not 1.38E+10
    elif isinstance(value, float):
        sheet.write_number(row, column, value)
    elif isinstance(value, (datetime, date)):
        sheet.write_datetime(row, column, value, formats["date"])
    else:
        sheet.write_string(row, column, str(value))
