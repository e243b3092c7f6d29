"""Cells judged the way a careful clerk would (shequ_volunteer/imports/cleaning.py)."""
from datetime import date, datetime

import pytest

from shequ_volunteer.imports import cleaning
from shequ_volunteer.imports.cleaning import CellProblem
from shequ_volunteer.phones import split_phones

THIS_YEAR = 2026


def judged(judge, value, *args):
    """The value, or the problem's message."""
    try:
        return judge(value, *args)
    except CellProblem as problem:
        return problem.message


@pytest.mark.parametrize("cell, expected", [
    (13800000000, "13800000000"),
    (13800000000.0, "13800000000"),
    ("138 0000 0000", "13800000000"),
    ("138-0000-0000", "13800000000"),
    ("１３８００００００００", "13800000000"),
    ("+86 138 0000 0000", "13800000000"),
    ("+86-13800000000", "13800000000"),
    ("8613800000000", "13800000000"),
    ("008613800000000", "13800000000"),
    ("\u200b13800000000\u3000", "13800000000"),
    (None, ""),
    ("  ", ""),
    (1380000000, "手机号不是11位"),
    ("138000000001", "手机号不是11位"),
    ("12800000000", "不是手机号（手机号以13到19开头）"),
    ("0571-88886666", "这是座机号，请填手机号"),
    ("王秀英", "手机号不是11位"),
])
def test_phones_as_files_hold_them(cell, expected):
    assert judged(cleaning.phone, cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("13800000000、13900000000", ["13800000000", "13900000000"]),
    ("138 0000 0000，139-0000-0000", ["13800000000", "13900000000"]),
    ("13800000000 13900000000", ["13800000000", "13900000000"]),
    ("13800000000/13900000000;13800000000", ["13800000000", "13900000000"]),
    (13800000000.0, ["13800000000"]),
    ("", []),
    ("13800000000、1390000", "手机号不是11位"),
])
def test_several_phones_in_one_cell(cell, expected):
    assert judged(cleaning.phones, cell) == expected


def test_the_forms_split_phones_the_same_way():
    assert split_phones("138 1234 5678, 139-1234-5678 、13712345678") == ["13812345678", "13912345678", "13712345678"]


@pytest.mark.parametrize("cell, expected", [
    (1950, 1950), (1950.0, 1950), ("1950", 1950), ("1950年", 1950),
    ("1950/3/5", 1950), ("1950-03-05", 1950), ("1950年3月5日", 1950), ("1950.3.5", 1950), ("1950年3月", 1950),
    ("19500305", 1950), ("1950-03-05 00:00:00", 1950), ("１９５０年３月５日", 1950),
    (datetime(1950, 3, 5), 1950), (date(1950, 3, 5), 1950),
    (18327, 1950), (18327.0, 1950), ("18327", 1950),  # Excel's serial for 1950-03-05
    (None, None), ("", None),
    ("1950/13/5", "日期看不懂"), ("1950年2月30日", "日期看不懂"), ("五十年代", "日期看不懂"),
    ("3/5/1950", "日期看不懂"),
    ("1850", "出生年份不对"), ("2030年1月1日", "出生年份不对"), (datetime(2027, 1, 1), "出生年份不对"),
])
def test_birth_years_from_dates_as_written(cell, expected):
    assert judged(cleaning.birth_year, cell, THIS_YEAR) == expected


@pytest.mark.parametrize("cell, expected", [
    ("是", True), ("否", False), ("√", True), ("×", False), ("Y", True), ("n", False), ("Yes", True), ("NO", False),
    (1, True), (0, False), (1.0, True), ("1", True), ("0", False), ("TRUE", True), ("false", False),
    (True, True), (False, False), ("队长", True), ("队员", False),
    (None, None), ("", None), ("也许", "请填“是”或“否”"), (2, "请填“是”或“否”"),
])
def test_yes_or_no(cell, expected):
    assert judged(cleaning.yes_no, cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("高风险户", "high"), ("高风险", "high"), ("红色", "high"), ("特别关注", "high"),
    ("重点户", "key"), ("重点关注", "key"), ("重点", "key"), ("重点关注户", "key"), ("中风险", "key"),
    ("一般户", "general"), ("一般", "general"), ("一般关注", "general"), (" 一 般 ", "general"), ("低风险", "general"),
    (None, None), ("", None),
    ("关注", "关注等级看不懂（请填高风险、重点或一般）"), ("A类", "关注等级看不懂（请填高风险、重点或一般）"),
])
def test_care_tiers_everyday_spellings(cell, expected):
    assert judged(cleaning.tier, cell) == expected


@pytest.mark.parametrize("cell, expected", [
    ("空巢/独居老人", ["empty_nest"]),
    ("独居、低保户", ["dibao", "empty_nest"]),
    ("残疾人，困难家庭 残疾", ["disabled", "hardship"]),
    ("孤寡/低保", ["dibao", "solitary"]),
    ("", []),
    ("信教", "类别看不懂：信教"),
])
def test_categories(cell, expected):
    assert judged(cleaning.categories, cell) == expected


@pytest.mark.parametrize("judge, cell, expected", [
    (cleaning.building, "3号楼", "3"), (cleaning.building, 3.0, "3"), (cleaning.building, "12栋", "12"),
    (cleaning.room, "201室", "201"), (cleaning.room, "2-201", "2-201"), (cleaning.room, 201, "201"),
])
def test_addresses_without_the_words_the_register_adds(judge, cell, expected):
    assert judge(cell) == expected


@pytest.mark.parametrize("cells, skipped", [
    ([None, None, None], True),
    (["12", None, None], True),           # a serial number left under the list
    ([12, "", "  "], True),
    (["合计", None, 120], True),
    (["制表人：张三", None, "2024年3月"], True),
    (["备注：本表每月更新", None], True),
    ([3, "王秀英", None], False),          # a person without a phone: a problem, not a footer
    (["王秀英", "13800000000", "备注：行动不便"], False),
])
def test_rows_blank_apart_from_a_serial_number_or_a_footer(cells, skipped):
    assert cleaning.is_filler(cells) is skipped


def test_text_keeps_to_the_column_size():
    assert cleaning.text("  王  秀英 ", 40, "姓名") == "王 秀英"
    assert judged(cleaning.text, "王" * 41, 40, "姓名") == "姓名不能超过40个字"
    assert cleaning.cell_text("a\x00b") == "a b"
