"""导入 (/imports) through the test client: templates, upload, sheet choice, mapping, preview, problem rows,
确认导入 (twice), and the files refused — with real files written by tests/support/messy_files.py."""
from __future__ import annotations

import re
from datetime import timedelta
from types import SimpleNamespace

import openpyxl
import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from shequ_volunteer.imports import reading, uploads
from shequ_volunteer.imports.columns import FIELDS, match_columns
from shequ_volunteer.pairing.models import HouseholdAccess
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support import messy_files as messy
from tests.support.messy_files import Sheet, write_xlsx

from .helpers import db_state, text


@pytest.fixture
def w(app, tmp_path):
    app.config["IMPORT_FOLDER"] = str(tmp_path / "uploads")
    home = f.community("幸福里社区")
    staff = f.staff(home, "王芳")
    known = f.user(home, "张老师", phone="13700000001")
    return SimpleNamespace(home=home, staff=staff, known=known, folder=tmp_path / "uploads",
                           client=f.logged_in(app, staff), files=tmp_path)


def upload(w, path, kind="residents", name=None, client=None):
    with open(path, "rb") as handle:
        return (client or w.client).post("/imports", data={"kind": kind, "file": (handle, name or path.name)},
                                         content_type="multipart/form-data")


def token_of(response) -> str:
    assert response.status_code == 303, text(response)[:1000]
    return re.fullmatch(r".*/imports/([A-Za-z0-9_-]{24})", response.headers["Location"]).group(1)


def kept_files(w) -> list[str]:
    return sorted(path.name for path in w.folder.iterdir()) if w.folder.exists() else []


def people_count() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(User))


def simple_list(w, *rows, headers=("姓名", "手机号", "楼栋")):
    return write_xlsx(w.files / "名单.xlsx", Sheet("名单", [list(headers), *map(list, rows)]))


# ---------------------------------------------------------------- templates

@pytest.mark.parametrize("kind", list(FIELDS))
def test_each_kind_has_a_template_the_importer_reads_back(w, kind):
    response = w.client.get(f"/imports/templates/{kind}.xlsx")
    assert response.status_code == 200 and "filename*=UTF-8''" in response.headers["Content-Disposition"]
    saved = w.files / f"{kind}.xlsx"
    saved.write_bytes(response.data)
    book = openpyxl.load_workbook(saved)
    assert book.sheetnames == ["名单", "说明"]
    labels = [field.label for field in FIELDS[kind]]
    assert [cell.value for cell in book["名单"][1]] == labels
    assert [cell.value for cell in book["名单"][2]] == [field.example or None for field in FIELDS[kind]]
    lists = {validation.formula1 for validation in book["名单"].data_validations.dataValidation}
    assert lists == {'"' + ",".join(field.choices) + '"' for field in FIELDS[kind] if field.choices}
    notes = " ".join(str(cell.value) for row in book["说明"].iter_rows() for cell in row if cell.value)
    assert all(field.label in notes and field.note in notes for field in FIELDS[kind])
    assert f"{reading.MAX_ROWS} 行" in notes and "10 MB" in notes
    # the importer recognises every column of its own template
    with reading.open_table(saved, saved.name) as table:
        assert table.headers == labels and len(match_columns(table.headers, kind)) == len(labels)


# ---------------------------------------------------------------- upload → preview → confirm

def test_a_messy_roster_is_previewed_with_its_problem_row_and_nothing_written(w):
    persons = messy.people(6, start=2)
    path = messy.resident_roster(w.files / "花名册.xlsx", persons)
    before = db_state()
    token = token_of(upload(w, path))
    chooser = w.client.get(f"/imports/{token}")
    assert chooser.status_code == 200
    assert "花名册" in text(chooser) and "说明" in text(chooser) and "旧名单" in text(chooser)  # hidden: ignored
    page = w.client.get(f"/imports/{token}?sheet=花名册")
    assert page.status_code == 200, text(page)[:2000]
    body = text(page)
    assert "新建 <strong>6</strong> 人" in body
    assert "第12行" not in body  # the blank row between people is skipped, not a problem
    assert db_state() == before and kept_files(w) == [f"{token}.json", f"{token}.upload"]


def test_a_problem_row_is_shown_downloaded_fixed_and_imported(w):
    path = simple_list(w, ["李桂兰", "13700000002", "3"], ["钱多多", "1370000000", "4"], ["张老师", 13700000001, "9"])
    token = token_of(upload(w, path))
    page = w.client.get(f"/imports/{token}")
    body = text(page)
    assert page.status_code == 200 and "新建 <strong>1</strong> 人" in body and "更新 <strong>1</strong> 人" in body
    assert re.search(r"第3行</strong> · 手机号：[^<]*11位", body), body
    download = w.client.get(f"/imports/{token}/problems.xlsx?sheet=名单&column_0=name&column_1=phone&column_2=building")
    assert download.status_code == 200
    fixed = w.files / "问题行.xlsx"
    fixed.write_bytes(download.data)
    rows = list(openpyxl.load_workbook(fixed).active.iter_rows(values_only=True))
    assert rows[0] == ("姓名", "手机号", "楼栋", "问题")
    assert rows[1][:3] == ("钱多多", "1370000000", "4") and "原第3行" in rows[1][3] and len(rows) == 2

    done = w.client.post(f"/imports/{token}/confirm", data={"sheet": "名单", "column_0": "name", "column_1": "phone",
                                                            "column_2": "building"})
    assert done.status_code == 303 and done.headers["Location"].endswith(f"/imports/{token}/done")
    summary = text(w.client.get(f"/imports/{token}/done"))
    assert "新建 <strong>1</strong> 人，更新 <strong>1</strong> 人" in summary
    assert "有问题未导入 <strong>1</strong> 行" in summary
    assert kept_files(w) == [f"{token}.json"]  # the file is gone; only the summary stays, for an hour

    # the fixed problem rows, 问题 column and all, import the one that was missing
    openpyxl_book = openpyxl.load_workbook(fixed)
    openpyxl_book.active["B2"] = "13700000003"
    openpyxl_book.save(fixed)
    second = token_of(upload(w, fixed))
    page = text(w.client.get(f"/imports/{second}"))
    assert "新建 <strong>1</strong> 人" in page and "不导入的列：问题" in page
    w.client.post(f"/imports/{second}/confirm", data={})
    assert db.session.scalar(select(User.name).where(User.phone == "13700000003")) == "钱多多"


def test_confirming_twice_changes_nothing_and_shows_the_same_summary(w):
    token = token_of(upload(w, simple_list(w, ["李桂兰", "13700000002", "3"])))
    assert w.client.post(f"/imports/{token}/confirm").status_code == 303
    people = people_count()
    before = db_state()
    again = w.client.post(f"/imports/{token}/confirm")
    assert again.status_code == 303 and again.headers["Location"].endswith("/done")
    page = text(w.client.get(again.headers["Location"]))
    assert "已经导入过了" in page and "新建 <strong>1</strong> 人" in page
    assert people_count() == people and db_state() == before


def test_a_confirm_while_the_first_is_still_importing_says_so_and_changes_nothing(w):
    token = token_of(upload(w, simple_list(w, ["李桂兰", "13700000002", "3"])))
    held = uploads.find(w.folder, token, user_id=w.staff.id, community_id=w.home.id, now=utcnow())
    assert uploads.claim(held)  # the first click's request holds the file
    before = db_state()
    response = w.client.post(f"/imports/{token}/confirm")
    assert response.status_code == 409 and "正在导入" in text(response)
    assert db_state() == before


def test_an_unknown_header_is_mapped_by_hand_or_ignored(w):
    path = simple_list(w, ["李桂兰", "13700000002", "内部备注"], headers=("姓名", "居民本人手机", "备忘"))
    token = token_of(upload(w, path))
    page = w.client.get(f"/imports/{token}")
    assert page.status_code == 422 and "找不到手机号这一列" in text(page)
    assert text(page).count("未对应") == 2
    page = w.client.get(f"/imports/{token}?sheet=名单&column_0=name&column_1=phone&column_2=")
    assert page.status_code == 200 and "新建 <strong>1</strong> 人" in text(page) and "不导入的列：备忘" in text(page)
    assert 'name="column_1" value="phone"' in text(page)  # the confirm form carries the mapping previewed
    w.client.post(f"/imports/{token}/confirm", data={"sheet": "名单", "column_0": "name", "column_1": "phone",
                                                     "column_2": ""})
    assert db.session.scalar(select(User.name).where(User.phone == "13700000002")) == "李桂兰"


def test_a_household_preview_is_in_the_registers_access_log(w):
    household = f.household(w.home, head_name="孙秀兰", estate="幸福小区", building="3", room="201", tier="normal")
    path = write_xlsx(w.files / "台账.xlsx", Sheet("台账", [["户主姓名", "小区", "楼栋", "室", "关注等级"],
                                                          ["孙秀兰", "幸福小区", "3", "201", "重点"]]))
    token = token_of(upload(w, path, kind="households"))
    page = w.client.get(f"/imports/{token}")
    assert page.status_code == 200 and "更新 <strong>1</strong> 户" in text(page), text(page)[:3000]
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(HouseholdAccess).where(
        HouseholdAccess.household_id == household.id, HouseholdAccess.user_id == w.staff.id)) == 1


# ---------------------------------------------------------------- files refused

@pytest.mark.parametrize("make, name, message", [
    (messy.encrypted_xlsx, "名单.xlsx", "密码"),
    (messy.old_xls, "名单.xls", "另存为"),
    (messy.picture, "照片.jpg", "不是表格文件"),
    (messy.web_page_xls, "导出.xls", "网页格式"),
    (lambda path: messy.zip_bomb(path, reading.MAX_UNCOMPRESSED_BYTES + 1), "炸弹.xlsx", "解压后超过"),
])
def test_a_bad_file_is_refused_by_the_field_and_nothing_is_kept(w, make, name, message):
    before = db_state()
    response = upload(w, make(w.files / name), name=name)
    assert response.status_code == 422
    assert re.search(r'id="file-msg">[^<]*' + message, text(response)), text(response)[:3000]
    assert re.search(r'<input[^>]* checked[^>]*value="residents"', text(response))  # the kind chosen is kept
    assert kept_files(w) == [] and db_state() == before


def test_a_body_over_the_size_limit_is_refused_before_it_is_read(w):
    # A body of bytes (the test client would spool a multipart file to a temporary file of its own): the
    # refusal comes from its Content-Length, so what the body holds is never looked at.
    body = b"-" * (reading.MAX_FILE_BYTES + 300 * 1024)
    response = w.client.post("/imports", data=body, content_type="multipart/form-data; boundary=xyz")
    assert response.status_code == 422 and "文件太大，最多 10 MB" in text(response)
    assert kept_files(w) == []


def test_the_kind_and_the_file_are_required(w):
    response = w.client.post("/imports", data={}, content_type="multipart/form-data")
    assert response.status_code == 422
    assert "请选择要导入的名单类型" in text(response) and "请选择要导入的文件" in text(response)


# ---------------------------------------------------------------- whose upload, how long

def test_an_upload_is_seen_only_by_the_staff_member_who_made_it(app, w):
    token = token_of(upload(w, simple_list(w, ["李桂兰", "13700000002", "3"])))
    colleague = f.logged_in(app, f.staff(w.home, "李社工"))
    for url in (f"/imports/{token}", f"/imports/{token}/problems.xlsx", f"/imports/{token}/done"):
        assert colleague.get(url).status_code == 404
    assert colleague.post(f"/imports/{token}/confirm").status_code == 404
    assert people_count() == 2 + 1  # staff, known, colleague: nothing imported


def test_uploads_are_gone_after_an_hour(w):
    now = utcnow()
    with open(simple_list(w, ["李桂兰", "13700000002", "3"]), "rb") as source:
        old = uploads.save(w.folder, source, user_id=w.staff.id, community_id=w.home.id, kind="residents",
                           file_name="名单.xlsx", now=now - timedelta(minutes=61))
    with open(simple_list(w, ["李桂兰", "13700000002", "3"]), "rb") as source:
        fresh = uploads.save(w.folder, source, user_id=w.staff.id, community_id=w.home.id, kind="residents",
                             file_name="../../名单.xlsx", now=now - timedelta(minutes=59))
    assert fresh.file_name == "名单.xlsx"
    assert w.client.get(f"/imports/{old.token}").status_code == 404  # found expired: deleted there and then
    assert uploads.sweep(w.folder, now + timedelta(minutes=2)) == 1
    assert kept_files(w) == []


def test_a_csv_preview_names_no_worksheet_and_a_one_sheet_book_none_either(w):
    """工作表“…” only where there is a choice of sheets: a CSV has none, and a one-sheet workbook nothing to change."""
    rows = [["姓名", "手机号", "楼栋"], ["孙秀英", "13912345678", "3"]]
    for path in (messy.write_csv(w.files / "bad.csv", rows), simple_list(w, *rows[1:])):
        token = token_of(upload(w, path))
        page = w.client.get(f"/imports/{token}")
        if page.status_code == 303:  # straight on to the mapping or the preview: one table to read
            page = w.client.get(page.headers["Location"])
        body = text(page)
        assert page.status_code == 200 and "孙秀英" in body or "新建" in body, body[:1500]
        assert "工作表" not in body, path.name

