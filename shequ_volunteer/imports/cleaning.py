"""Judging one cell of a community's file the way a careful clerk would. Pure: no Flask, no database.

Each judge takes a cell as the reader gives it (str, int, float, datetime, date, bool or None) and returns
the value to store, or raises `CellProblem` with a short Chinese message for the problem list.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, timedelta

from ..pairing.models import CATEGORIES
from ..pairing.rules import TIER_LABELS
from ..phones import ascii_digits, is_mobile, normalise_phone, split_phones


class CellProblem(ValueError):
    """The cell cannot be used; `message` says why, in Chinese, for the problem list."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def cell_text(value) -> str:
    """A cell as text: trimmed, control characters as spaces, whole numbers without '.0', dates as 1950-03-05."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return value.isoformat()
    text = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf") and ch != "\n" else ch for ch in str(value))
    return text.replace("\u3000", " ").replace("\xa0", " ").strip()


def is_blank(value) -> bool:
    return cell_text(value) == ""


def text(value, limit: int, what: str) -> str:
    """Plain text of at most `limit` characters (the column's size)."""
    found = " ".join(cell_text(value).split())
    if len(found) > limit:
        raise CellProblem(f"{what}不能超过{limit}个字")
    return found


def phone(value) -> str:
    """An 11-digit mainland mobile: typed as a number (13800000000.0), with spaces, dashes, full-width digits
    or +86; '' for a blank cell."""
    typed = cell_text(value)
    if not typed:
        return ""
    found = normalise_phone(typed)
    if is_mobile(found):
        return found
    digits = re.sub(r"[^0-9]", "", ascii_digits(typed))
    if digits.startswith("0") and len(digits) >= 10:
        raise CellProblem("这是座机号，请填手机号")
    if len(digits) != 11:
        raise CellProblem("手机号不是11位")
    raise CellProblem("不是手机号（手机号以13到19开头）")


def phones(value) -> list[str]:
    """One or more mobiles in one cell (、,，;；/ or spaces between them), each once, in the order written."""
    found: list[str] = []
    for typed in split_phones(cell_text(value)):
        number = phone(typed)
        if number not in found:
            found.append(number)
    return found


YES = {"是", "√", "✓", "✔", "☑", "y", "yes", "1", "true", "对", "有", "队长", "副队长"}
NO = {"否", "×", "✗", "✘", "x", "n", "no", "0", "false", "不是", "无", "队员", "成员"}


def yes_no(value) -> bool | None:
    """是/否, √/×, Y/N, yes/no, 1/0, true/false (队长/队员 in a 职务 column); None for a blank cell."""
    if isinstance(value, bool):
        return value
    typed = cell_text(value).lower()
    if not typed:
        return None
    if typed in YES:
        return True
    if typed in NO:
        return False
    raise CellProblem("请填“是”或“否”")


# Everyday spellings of the care tiers (pairing.rules.TIER_LABELS), after the words around them are dropped:
# 高风险户, 重点关注, 一般户, 红色/黄色/绿色 (the grid's colour codes), 高/中/低.
_TIER_WORDS = {
    "high": ("高风险", "高危", "高", "红", "红色", "特别", "特殊", "一级", "high"),
    "key": ("重点", "中", "黄", "黄色", "二级", "key"),
    "general": ("一般", "普通", "低", "绿", "绿色", "常规", "三级", "general"),
}
_TIER_SPELLINGS = {word: key for key, words in _TIER_WORDS.items() for word in (*words, TIER_LABELS[key])}
_TIER_NOISE = re.compile(r"(户|对象|人员|关注|等级|级别|风险|类)$")


def tier(value) -> str | None:
    """The care tier's key (high, key, general); None for a blank cell."""
    typed = "".join(cell_text(value).lower().split())
    if not typed:
        return None
    candidate = typed
    while candidate:
        if candidate in _TIER_SPELLINGS:
            return _TIER_SPELLINGS[candidate]
        shorter = _TIER_NOISE.sub("", candidate)
        if shorter == candidate:
            break
        candidate = shorter
    raise CellProblem("关注等级看不懂（请填高风险、重点或一般）")


_CATEGORY_WORDS = {
    "empty_nest": ("空巢", "独居", "空巢老人", "独居老人", "空巢独居老人"),
    "solitary": ("孤寡", "孤寡老人", "五保", "五保户", "特困", "特困人员", "特困供养"),
    "left_behind_child": ("留守", "留守儿童"),
    "disabled": ("残疾", "残疾人", "残障", "残障人士"),
    "dibao": ("低保", "低保户", "低保家庭", "低保对象"),
    "hardship": ("困难", "困难家庭", "困难户", "低收入", "低收入家庭", "生活困难"),
}
_CATEGORY_SPELLINGS = {word: key for key, words in _CATEGORY_WORDS.items()
                       for word in (*words, CATEGORIES[key])}
_CATEGORY_SEPARATORS = re.compile(r"[,，、;；\s]+")


def categories(value) -> list[str]:
    """类别, several in one cell: their keys (pairing.models.CATEGORIES), sorted, each once."""
    found: set[str] = set()
    for part in _CATEGORY_SEPARATORS.split(cell_text(value)):
        if not part:
            continue
        words = [part] if part in _CATEGORY_SPELLINGS else part.split("/")
        for word in words:
            if word not in _CATEGORY_SPELLINGS:
                raise CellProblem(f"类别看不懂：{word}")
            found.add(_CATEGORY_SPELLINGS[word])
    return sorted(found)


def whole_number(value, low: int, high: int, what: str) -> int | None:
    typed = ascii_digits(cell_text(value))
    if not typed:
        return None
    if not re.fullmatch(r"[0-9]{1,4}", typed) or not low <= int(typed) <= high:
        raise CellProblem(f"{what}请填{low}到{high}之间的整数")
    return int(typed)


_BUILDING_SUFFIX = re.compile(r"(号楼|号|栋|幢|楼|座)$")
_ROOM_SUFFIX = re.compile(r"(室|号)$")


def building(value) -> str:
    """楼栋 without the word the address adds itself ('3号楼' → '3'; the register shows '3号楼')."""
    return _BUILDING_SUFFIX.sub("", text(value, 20, "楼栋")).strip()


def room(value) -> str:
    """室 without the word the address adds itself ('201室' → '201')."""
    return _ROOM_SUFFIX.sub("", text(value, 20, "室")).strip()


EXCEL_EPOCH = date(1899, 12, 30)  # day 0 of Excel's serial dates (its 1900 leap-year bug included)
EARLIEST_BIRTH_YEAR = 1900
_DATE_TEXT = re.compile(
    r"^(\d{4})\s*(?:年|[-/.])?\s*(?:(\d{1,2})\s*(?:月|[-/.])?\s*(?:(\d{1,2})\s*[日号]?)?)?"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?$")


def birth_year(value, this_year: int) -> int | None:
    """出生年份 from a year, a date, an Excel serial or text (1950/3/5, 1950-03-05, 1950年3月5日, 1950.3.5,
    1950年, 19500305); None for a blank cell."""
    year = _year_of(value)
    if year is None:
        return None
    if not EARLIEST_BIRTH_YEAR <= year <= this_year:
        raise CellProblem("出生年份不对")
    return year


def _year_of(value) -> int | None:
    if isinstance(value, (datetime, date)):
        return value.year
    typed = ascii_digits(cell_text(value))
    if not typed:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool) or re.fullmatch(r"\d{5}(\.\d+)?", typed):
        number = float(typed)
        if number.is_integer() and 1000 <= number <= 9999:
            return int(number)
        if 1 <= number < 2958466:  # a serial Excel shows as a date (up to 9999-12-31)
            return (EXCEL_EPOCH + timedelta(days=int(number))).year
        raise CellProblem("日期看不懂")
    if re.fullmatch(r"\d{8}", typed):
        typed = f"{typed[:4]}-{typed[4:6]}-{typed[6:]}"
    found = _DATE_TEXT.match(typed)
    if found is None:
        raise CellProblem("日期看不懂")
    year, month, day = (int(part) if part else None for part in found.groups())
    try:
        date(year, month or 1, day or 1)
    except ValueError:
        raise CellProblem("日期看不懂") from None
    return year


# A row blank apart from these is not a person: a serial number (序号), or a footer note under the list.
FOOTER_WORDS = ("合计", "总计", "小计", "共计", "制表", "填表", "审核", "备注", "说明", "注：", "注:", "注意",
                "统计", "签字", "盖章", "负责人")
_SERIAL = re.compile(r"^[0-9]{1,5}$")


def is_filler(values) -> bool:
    """A row to skip: only serial numbers in it, or it begins with a footer word (合计, 制表人：, 备注 …)."""
    texts = [cell_text(value) for value in values]
    filled = [typed for typed in texts if typed]
    if not filled:
        return True
    if filled[0].startswith(FOOTER_WORDS):
        return True
    return all(_SERIAL.match(ascii_digits(typed)) for typed in filled)
