"""Spreadsheets as communities really keep them, written by the tests and the bench (never checked in).

Each writer takes a path and returns it. Workbooks are written by xlsxwriter, which (unlike openpyxl)
saves a formula together with the value Excel last computed for it, as Excel itself does; encrypted
workbooks are encrypted by msoffcrypto-tool the way Excel does (ECMA-376 agile); old .xls files are
written by xlwt. Nothing is mocked: the reader gets the bytes a real program would have written.

- `write_xlsx(path, Sheet(...), ...)`: any sheets, with merged ranges, formulas (`Formula`), hidden sheets,
  blank but formatted cells right of and below the data (what a formatted whole row or column leaves).
- `resident_roster(path, people(n))`: the typical 居民花名册 — a title row, a two-row header with merged
  cells (住址 over 小区/楼栋/室), phones as numbers and as typed, birth years as formulas, blank rows,
  a 合计 footer, formatted empty columns, a hidden 旧名单 sheet and a 说明 sheet.
- `write_csv(path, rows, encoding)`: CSV as Chinese Excel saves it (GBK) or as UTF-8 with a BOM.
- `encrypted_xlsx`, `old_xls`, `zip_bomb`, `lying_zip`, `web_page_xls`, `picture`: the bad files.
"""
from __future__ import annotations

import csv
import io
import struct
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import xlsxwriter
from xlsxwriter.utility import xl_cell_to_rowcol


@dataclass(frozen=True)
class Formula:
    """A formula cell saved with its cached result, as Excel saves it (the reader must take `cached`)."""
    formula: str
    cached: object


@dataclass
class Sheet:
    """One sheet: `rows` from row 1 down ([] is a row left empty, None an empty cell); `merges` like 'A1:F1'.

    `formatted_blank_columns` / `formatted_blank_rows` add empty cells that carry only a format right of
    and below the data, as a sheet whose whole rows or columns were formatted has.
    """
    name: str
    rows: list[list]
    merges: list[str] = field(default_factory=list)
    hidden: bool = False
    formatted_blank_columns: int = 0
    formatted_blank_rows: int = 0


def write_xlsx(path: Path, *sheets: Sheet, constant_memory: bool = False) -> Path:
    """The sheets in order; the first visible one is the active sheet (Excel cannot hide the active one)."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": constant_memory, "strings_to_numbers": False,
                                           "strings_to_formulas": False, "strings_to_urls": False})
    bordered = book.add_format({"border": 1})
    dated = book.add_format({"num_format": "yyyy-mm-dd"})
    written = [(sheet, book.add_worksheet(sheet.name)) for sheet in sheets]
    first_visible = next(worksheet for sheet, worksheet in written if not sheet.hidden)
    first_visible.activate()
    first_visible.set_first_sheet()
    for sheet, worksheet in written:
        if sheet.hidden:
            worksheet.hide()
        _write_sheet(worksheet, sheet, bordered, dated)
    book.close()
    return path


def _write_sheet(worksheet, sheet: Sheet, bordered, dated) -> None:
    covered: set[tuple[int, int]] = set()
    merges = {}
    for ref in sheet.merges:
        first, last = ref.split(":")
        (top, left), (bottom, right) = xl_cell_to_rowcol(first), xl_cell_to_rowcol(last)
        merges[(top, left)] = (bottom, right)
        covered.update((row, column) for row in range(top, bottom + 1) for column in range(left, right + 1))
    width = max((len(row) for row in sheet.rows), default=0)
    for r, values in enumerate(sheet.rows):
        for c, value in enumerate(values):
            if (r, c) in merges:
                bottom, right = merges[(r, c)]
                worksheet.merge_range(r, c, bottom, right, value, bordered)
            elif (r, c) not in covered and value is not None:
                _write_cell(worksheet, r, c, value, dated)
        for c in range(width, width + sheet.formatted_blank_columns):
            worksheet.write_blank(r, c, None, bordered)
    for r in range(len(sheet.rows), len(sheet.rows) + sheet.formatted_blank_rows):
        for c in range(width):
            worksheet.write_blank(r, c, None, bordered)


def _write_cell(worksheet, r: int, c: int, value, dated) -> None:
    if isinstance(value, Formula):
        worksheet.write_formula(r, c, value.formula, None, value.cached)
    elif isinstance(value, date):
        worksheet.write_datetime(r, c, value, dated)
    elif isinstance(value, str):
        worksheet.write_string(r, c, value)
    else:
        worksheet.write(r, c, value)


# ---------------------------------------------------------------- the typical 居民花名册

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "秀兰"]


@dataclass(frozen=True)
class Person:
    name: str
    phone: str  # 11 digits, as stored
    grid: str
    estate: str
    building: str
    room: str
    birth_year: int


def people(count: int, start: int = 0) -> list[Person]:
    """`count` different people, the same for the same `start`; phones are 135 + eight digits from `start`
    (the test factories give 139 numbers)."""
    return [Person(name=SURNAMES[i % len(SURNAMES)] + GIVEN[(i // len(SURNAMES)) % len(GIVEN)] + _serial_suffix(i),
                   phone=f"135{i:08d}", grid=f"第{i % 4 + 1}网格", estate=("幸福小区", "和平里", "光明苑")[i % 3],
                   building=f"{i % 12 + 1}号楼", room=f"{i % 6 + 1}0{i % 4 + 1}", birth_year=1940 + i % 60)
            for i in range(start, start + count)]


def _serial_suffix(i: int) -> str:
    """Names repeat in real lists; after the first 360 a number keeps these apart for the tests' reading."""
    return "" if i < len(SURNAMES) * len(GIVEN) else str(i)


def phone_as_typed(phone: str, i: int):
    """The ways a phone number sits in a real sheet: a number, spaced, dashed, full-width, with +86, or text."""
    variants = (int(phone), f"{phone[:3]} {phone[3:7]} {phone[7:]}", f"{phone[:3]}-{phone[3:7]}-{phone[7:]}",
                phone.translate(str.maketrans("0123456789", "０１２３４５６７８９")), f"+86 {phone}", phone)
    return variants[i % len(variants)]


ROSTER_HEADERS = ["序号", "姓名", "联系电话", "网格", "小区", "楼栋", "室", "出生年份", "备注"]
ROSTER_TITLE_ROWS = 2  # a title and a 制表 line above the two header rows


def roster_rows(persons: list[Person], *, blank_every: int = 7, footer: bool = True) -> list[list]:
    """The rows of a 花名册 sheet: title, 制表 line, two header rows, people (a blank row every `blank_every`), 合计."""
    rows: list[list] = [
        ["幸福社区居民花名册"] + [None] * 8,
        ["制表：幸福社区居委会"],
        ["序号", "姓名", "联系\n电话", "网格", "住址", None, None, "出生年份", "备注"],
        [None, None, None, None, "小区", "楼栋", "室", None, None],
    ]
    for i, person in enumerate(persons):
        if blank_every and i and i % blank_every == 0:
            rows.append([])
        rows.append([i + 1, person.name, phone_as_typed(person.phone, i), person.grid, person.estate,
                     person.building, person.room, Formula(f"=YEAR(DATE({person.birth_year},1,1))", person.birth_year),
                     None])
    if footer:
        rows.append([f"合计：{len(persons)} 人"])
    return rows


ROSTER_MERGES = ["A1:I1", "A3:A4", "B3:B4", "C3:C4", "D3:D4", "E3:G3", "H3:H4", "I3:I4"]


def resident_roster(path: Path, persons: list[Person], *, blank_every: int = 7, footer: bool = True,
                    extra_sheets: bool = True, constant_memory: bool = False) -> Path:
    """The typical messy 居民花名册 (see the module's docstring); sheet order 花名册, 旧名单 (hidden), 说明."""
    sheets = [Sheet("花名册", roster_rows(persons, blank_every=blank_every, footer=footer), merges=ROSTER_MERGES,
                    formatted_blank_columns=3, formatted_blank_rows=20)]
    if extra_sheets:
        sheets += [Sheet("旧名单", [["姓名", "手机号"], ["旧人", "13700000000"]], hidden=True),
                   Sheet("说明", [["说明"], ["本表由居委会维护，每季度更新。"]])]
    return write_xlsx(path, *sheets, constant_memory=constant_memory)


# ---------------------------------------------------------------- CSV

def write_csv(path: Path, rows: list[list], encoding: str = "gbk", delimiter: str = ",") -> Path:
    """Rows as CSV text in `encoding` ('gbk' as Chinese Excel saves, 'utf-8-sig' with a BOM, 'utf-16')."""
    text = io.StringIO(newline="")
    csv.writer(text, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(text.getvalue().encode(encoding))
    return path


# ---------------------------------------------------------------- bad files

def encrypted_xlsx(path: Path, password: str = "123456") -> Path:
    """A real workbook with an opening password, encrypted as Excel does (an OLE file holding the package)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    plain = write_xlsx(path.with_name(path.stem + "-plain.xlsx"),
                       Sheet("名单", [["姓名", "手机号"], ["张三", 13900000001]]))
    with open(plain, "rb") as source, open(path, "wb") as target:
        OOXMLFile(source).encrypt(password, target)
    plain.unlink()
    return path


def old_xls(path: Path) -> Path:
    """An Excel 97-2003 workbook (BIFF8 in an OLE file), as xlwt writes it."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("名单")
    for c, value in enumerate(["姓名", "手机号"]):
        sheet.write(0, c, value)
    sheet.write(1, 0, "张三")
    sheet.write(1, 1, "13900000001")
    book.save(str(path))
    return path


def zip_bomb(path: Path, uncompressed_bytes: int) -> Path:
    """A valid small workbook plus a member of zeros that unpacks to `uncompressed_bytes` (compresses ~1000×)."""
    write_xlsx(path, Sheet("名单", [["姓名", "手机号"], ["张三", 13900000001]]))
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/media/padding.bin", "w", force_zip64=True) as member:
            left = uncompressed_bytes
            while left > 0:
                member.write(chunk[:min(left, len(chunk))])
                left -= len(chunk)
    return path


def lying_zip(path: Path, rows: int = 3000, declared: int = 1000) -> Path:
    """A workbook whose zip directory declares its sheet (`declared` bytes) smaller than it really unpacks to."""
    write_xlsx(path, Sheet("名单", [["姓名", "手机号"]] + [[f"居民{i}", f"139{i:08d}"] for i in range(rows)]))
    content = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = archive.getinfo("xl/worksheets/sheet1.xml")
        directory = archive.start_dir
    declared = struct.pack("<I", declared)
    content[info.header_offset + 22:info.header_offset + 26] = declared  # local header: uncompressed size
    at = directory
    while content[at:at + 4] == b"PK\x01\x02":  # central directory records
        name_length, extra_length, comment_length = struct.unpack("<HHH", content[at + 28:at + 34])
        if bytes(content[at + 46:at + 46 + name_length]) == b"xl/worksheets/sheet1.xml":
            content[at + 24:at + 28] = declared
        at += 46 + name_length + extra_length + comment_length
    path.write_bytes(bytes(content))
    return path


def web_page_xls(path: Path) -> Path:
    """What many systems' 导出Excel gives: an HTML table saved with an .xls name."""
    path.write_text("<html><head><meta charset='utf-8'></head><body><table><tr><td>姓名</td><td>手机号</td></tr>"
                    "<tr><td>张三</td><td>13900000001</td></tr></table></body></html>", encoding="utf-8")
    return path


def picture(path: Path) -> Path:
    """A PNG (someone picked the photo of the list instead of the list)."""
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    return path
