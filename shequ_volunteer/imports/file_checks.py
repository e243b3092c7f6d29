"""Whether a file may be read at all, judged before and while reading it: its kind, its sizes, its rows.

Pure (no Flask, no database). Every refusal is a `FileRefused` whose Chinese message says what to do;
the limits are stated on the upload page and in the templates' notes sheet (`limits_in_words`).
"""
from __future__ import annotations

import codecs
import os
import zipfile
from dataclasses import dataclass
from pathlib import Path

from ..refusals import Refused

# The limits the upload page states. The file size is checked before anything is read; the sizes
# a zip's directory declares are checked before openpyxl opens it (Python's zipfile never returns
# more than a member's declared size, so the directory cannot lie its way past the limit); rows are
# counted while streaming.
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 20_000
MAX_COLUMNS = 200
# Rows walked through, blank ones included: a sheet formatted down to row 1,048,576 is refused
# quickly instead of walked for a minute.
SCANNED_ROWS_PER_ROW = 10
MAX_ZIP_MEMBERS = 10_000

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
# An encrypted .xlsx is an OLE compound file holding the encrypted zip in a stream of this name
# (ECMA-376 agile or standard encryption, as Excel and WPS write it); directory names are UTF-16.
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_OLD_EXCEL_STREAMS = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))


@dataclass(frozen=True)
class Limits:
    """What one import may read; the CLI may pass larger ones for big files on a server."""
    max_file_bytes: int = MAX_FILE_BYTES
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_rows: int = MAX_ROWS


DEFAULT_LIMITS = Limits()


def limits_in_words(limits: Limits = DEFAULT_LIMITS) -> list[str]:
    """The limits as the upload page and the template's notes sheet state them."""
    return [
        "文件格式：Excel 工作簿（.xlsx）或 CSV（UTF-8 或 GBK 编码）；旧版 .xls 请先另存为 .xlsx",
        f"文件大小：不超过 {megabytes(limits.max_file_bytes)} MB"
        f"（解压后不超过 {megabytes(limits.max_uncompressed_bytes)} MB）",
        f"行数：每次最多 {limits.max_rows} 行，列数最多 {MAX_COLUMNS} 列",
        "文件不能设置打开密码",
    ]


class FileRefused(Refused):
    """The file cannot be read as a table; `message` says why and what to do, next to the upload field."""

    def __init__(self, message: str):
        super().__init__(message, "file")


def megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f}" if size >= 1024 * 1024 else f"{size / 1024 / 1024:.2f}"


NOT_A_SPREADSHEET = "这不是表格文件。请上传 Excel 工作簿（.xlsx）或 CSV 文件。"
DAMAGED = "这个 Excel 文件打不开，可能已损坏。请在 Excel 或 WPS 里打开它，另存为新的 Excel 工作簿（.xlsx）后再导入。"
OLD_EXCEL = "这是旧版 Excel 文件（.xls）。请在 Excel 或 WPS 里打开它，“另存为” Excel 工作簿（.xlsx）后再导入。"
ENCRYPTED = ("这个 Excel 文件设置了打开密码（已加密），无法读取。请在 Excel 里打开它，去掉密码"
             "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码），保存后再导入。")
WEB_PAGE = ("这个文件其实是网页格式（有些系统导出的“Excel”是这样），不能直接导入。"
            "请用 Excel 打开它，“另存为” Excel 工作簿（.xlsx）后再导入。")
OPEN_DOCUMENT = "这是 .ods 表格。请在 WPS 或 LibreOffice 里“另存为” Excel 工作簿（.xlsx）后再导入。"
WORD = "这是 Word 文档，不是表格。请把名单放在 Excel 表格里（一行一人），保存为 .xlsx 后再导入。"
UNKNOWN_ENCODING = "认不出这个 CSV 文件的文字编码。请用 Excel 打开它，“另存为” Excel 工作簿（.xlsx）后再导入。"
BROKEN_CSV = "CSV 文件格式不对（引号不成对或某一格太长）。请用 Excel 打开它，另存为 .xlsx 后再导入。"


def too_big(size: int, limits: Limits) -> FileRefused:
    return FileRefused(f"文件太大（{megabytes(size)} MB），最多 {megabytes(limits.max_file_bytes)} MB。"
                       "请把名单分成几个文件，分别导入。")


def zip_bomb(limits: Limits) -> FileRefused:
    return FileRefused(f"这个文件解压后超过 {megabytes(limits.max_uncompressed_bytes)} MB，无法导入。"
                       "请只保留要导入的工作表，或把名单分成几个文件。")


def too_many_rows(limits: Limits) -> FileRefused:
    return FileRefused(f"表格超过 {limits.max_rows} 行，无法一次导入。"
                       f"请把名单分成几个文件，每个不超过 {limits.max_rows} 行。")


def too_many_scanned(limits: Limits) -> FileRefused:
    return FileRefused(f"表格连同空行超过 {limits.max_rows * SCANNED_ROWS_PER_ROW} 行。"
                       "请删除名单下方多余的空行（选中这些行，右键“删除”），保存后再导入。")


def too_many_columns() -> FileRefused:
    return FileRefused(f"表格超过 {MAX_COLUMNS} 列。请删除名单右边多余的列，保存后再导入。")


def kind_of_file(path: str | os.PathLike, filename: str, limits: Limits) -> str:
    """'xlsx' or 'csv', judged by the file's first bytes (a renamed file is read as what it is); else refused.

    The size is checked first, from the file system, before a byte of the file is read.
    """
    size = os.path.getsize(path)
    if size > limits.max_file_bytes:
        raise too_big(size, limits)
    if size == 0:
        raise FileRefused("文件是空的。请检查选的文件是否正确。")
    with open(path, "rb") as handle:
        head = handle.read(2048)
    if head.startswith(_ZIP_MAGIC):
        return "xlsx"
    if head.startswith(_OLE_MAGIC):
        raise _ole_refusal(Path(path).read_bytes())
    if _looks_like_web_page(head):
        raise FileRefused(WEB_PAGE)
    suffix = "." + filename.lower().rsplit(".", 1)[-1] if "." in filename else ""  # ".csv" alone is a CSV too
    if suffix in (".csv", ".txt"):
        return "csv"
    if suffix in (".xlsx", ".xlsm", ".xls", ".et"):
        raise FileRefused(DAMAGED)
    raise FileRefused(NOT_A_SPREADSHEET)


def _ole_refusal(content: bytes) -> FileRefused:
    """An OLE compound file: an encrypted workbook, an old .xls, or something else (a .doc)."""
    if _ENCRYPTED_PACKAGE in content:
        return FileRefused(ENCRYPTED)
    if any(name in content for name in _OLD_EXCEL_STREAMS):
        return FileRefused(OLD_EXCEL)
    return FileRefused(NOT_A_SPREADSHEET)


def _looks_like_web_page(head: bytes) -> bool:
    start = head.lstrip(codecs.BOM_UTF8).lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in start[:512]


def check_zip(path: str | os.PathLike, limits: Limits) -> None:
    """Refuse a zip that is no workbook, or whose members would unpack past the limit (a zip bomb)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise FileRefused(DAMAGED) from error
    if len(members) > MAX_ZIP_MEMBERS or sum(member.file_size for member in members) > limits.max_uncompressed_bytes:
        raise zip_bomb(limits)
    names = {member.filename for member in members}
    if "content.xml" in names and "mimetype" in names:
        raise FileRefused(OPEN_DOCUMENT)
    if any(name.startswith("word/") for name in names):
        raise FileRefused(WORD)
    if not any(name.startswith("xl/") for name in names):
        raise FileRefused(NOT_A_SPREADSHEET)
