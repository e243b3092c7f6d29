"""An upload's preview (a GET: it writes nothing), its problem rows as a file, 确认导入, and the summary.

The sheet and the column mapping travel in the query string (`sheet`, `column_<n>` = a field key or '' to
ignore the column), and as hidden fields of the confirm form, so the import confirmed is the one previewed.
"""
from __future__ import annotations

import re
from datetime import date, datetime

from flask import flash, make_response, redirect, request, url_for
from flask_login import login_required

from ..communities.models import Community
from ..database import begin_write_transaction
from ..downloads import attachment
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from ..web.htmx import render_page
from . import services, uploads
from .blueprint import XLSX, bp, find_upload, staff
from .columns import KIND_LABELS, looks_like_header, match_columns
from .reading import FileRefused, list_sheets, open_table
from .workbooks import problem_rows_workbook

LISTED = 100  # rows listed per part of the preview; the problem rows download has them all
_COLUMN = re.compile(r"column_([0-9]{1,3})")
UNITS = {"residents": "人", "members": "人", "households": "户"}


def mapping_from(values) -> dict[int, str] | None:
    """column_<n> → field key ('' ignores it); None when the person has not chosen (the headers decide)."""
    chosen = {int(found.group(1)): value for name, value in values.items()
              if (found := _COLUMN.fullmatch(name)) and isinstance(value, str)}
    return chosen or None


def preview_url(token: str, sheet: str | None, mapping: dict[int, str] | None) -> str:
    columns = {f"column_{index}": key for index, key in (mapping or {}).items()}
    return url_for(".preview", token=token, sheet=sheet, **columns)


def _is_header(kind: str):
    return lambda texts: looks_like_header(texts, kind)


def _sheet_choice(upload: uploads.Upload, wanted: str | None):
    """(visible sheet names, hidden ones, the sheet to read or None when the person must choose)."""
    sheets = list_sheets(upload.path, upload.file_name)
    visible = [sheet.name for sheet in sheets if not sheet.hidden]
    hidden = [sheet.name for sheet in sheets if sheet.hidden]
    if wanted in visible:
        return visible, hidden, wanted
    return visible, hidden, (visible[0] if len(visible) == 1 and not wanted else None)


def _plan(upload: uploads.Upload, sheet: str | None, mapping, shown: bool = True):
    """(headers, plan) of the sheet (Refused when it cannot be imported as it is); `shown`: the page shows the
    plan, so the register's details in it are logged as seen."""
    actor = staff()
    with open_table(upload.path, upload.file_name, sheet, _is_header(upload.kind)) as table:
        headers = list(table.headers)
        plan = services.preview(db.session.get(Community, actor.community_id), upload.kind, table, mapping,
                                utcnow())
    if shown and plan.households_shown:  # the register's details were shown: its access log says who saw them
        db.session.rollback()  # end the read; the log gets a write transaction of its own, not the whole preview
        begin_write_transaction()
        services.log_preview(actor, plan, utcnow())
        db.session.commit()
    return headers, plan


@bp.get("/imports/<token>")
@login_required
def preview(token: str):
    upload = find_upload(token)
    if upload.summary is not None:
        return redirect(url_for(".done", token=token), code=303)
    context = {"upload": upload, "kind_label": KIND_LABELS[upload.kind], "fields": services.field_labels(upload.kind),
               "listed": LISTED, "unit": UNITS[upload.kind]}
    wanted = request.args.get("sheet")
    try:
        visible, hidden, sheet = _sheet_choice(upload, wanted)
    except FileRefused as refusal:
        return render_page("imports/preview.html", status=422, refusal=refusal, **context)
    context.update(sheets=visible, hidden_sheets=hidden, sheet=sheet)
    if sheet is None:
        return render_page("imports/sheet.html", status=422 if wanted else 200, wrong_sheet=wanted, **context)
    mapping = mapping_from(request.args)
    headers, plan, refusal = [], None, None
    try:
        headers, plan = _plan(upload, sheet, mapping)
    except Refused as found:
        db.session.rollback()
        refusal = found
        headers = headers or _headers_of(upload, sheet)
    chosen = plan.mapping if plan else (
        {index: key for index, key in mapping.items() if key} if mapping else match_columns(headers, upload.kind))
    columns = {f"column_{index}": chosen.get(index, "") for index, header in enumerate(headers) if header}
    return render_page("imports/preview.html", "preview", status=422 if refusal else 200, plan=plan,
                       refusal=refusal, headers=headers, chosen=chosen, mapping_args=columns, **context)


def _headers_of(upload: uploads.Upload, sheet: str) -> list[str]:
    try:
        with open_table(upload.path, upload.file_name, sheet, _is_header(upload.kind)) as table:
            return list(table.headers)
    except FileRefused:
        return []


@bp.get("/imports/<token>/problems.xlsx")
@login_required
def problem_rows(token: str):
    """The rows of this uploaded file that would not be imported, with a 问题 column, to fix and import again."""
    upload = find_upload(token)
    if upload.summary is not None:
        headers, problems = upload.summary["headers"], [_Stored(*item) for item in upload.summary["problems"]]
    else:
        try:
            sheet, mapping = request.args.get("sheet") or None, mapping_from(request.args)
            headers, plan = _plan(upload, sheet, mapping, shown=False)  # the file's own rows only
        except Refused:
            db.session.rollback()
            return redirect(preview_url(token, sheet, mapping), code=303)
        problems = plan.problems
    response = make_response(problem_rows_workbook(headers, problems))
    response.headers["Content-Type"] = XLSX
    stem = upload.file_name.rsplit(".", 1)[0]
    response.headers["Content-Disposition"] = attachment(f"{stem}-问题行.xlsx", "problem-rows.xlsx")
    return response


class _Stored:
    """A problem as the summary keeps it (JSON), shaped like imports.plan.Problem for the workbook."""

    def __init__(self, row, column, message, values):
        self.row, self.column, self.message, self.values = row, column, message, tuple(values)


def _json_value(value):
    return value.isoformat() if isinstance(value, (datetime, date)) else value


@bp.post("/imports/<token>/confirm")
@login_required
def confirm(token: str):
    """确认导入: one transaction; a second click finds the summary of the first (or that it is still running)."""
    upload = find_upload(token)
    if upload.summary is not None:
        flash("这个文件已经导入过了，下面是那次导入的结果。")
        return redirect(url_for(".done", token=token), code=303)
    if not uploads.claim(upload):
        return render_page("imports/done.html", status=409, upload=upload, summary=None,
                           kind_label=KIND_LABELS[upload.kind], unit=UNITS[upload.kind])
    actor, sheet, mapping = staff(), request.form.get("sheet") or None, mapping_from(request.form)
    try:
        with open_table(upload.importing_path, upload.file_name, sheet, _is_header(upload.kind)) as table:
            headers = list(table.headers)
            summary = services.confirm(actor, db.session.get(Community, actor.community_id), upload.kind, table,
                                       mapping, utcnow(), upload.file_name)
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        uploads.give_back(upload)
        flash(refusal.message)
        return redirect(preview_url(token, sheet, mapping), code=303)
    except BaseException:
        db.session.rollback()
        uploads.give_back(upload)
        raise
    uploads.finish(upload, {
        "created": summary.created, "updated": summary.updated, "skipped": summary.skipped,
        "problem_rows": summary.problem_rows, "headers": headers,
        "problems": [(p.row, p.column, p.message, [_json_value(v) for v in p.values]) for p in summary.problems]})
    return redirect(url_for(".done", token=token), code=303)


@bp.get("/imports/<token>/done")
@login_required
def done(token: str):
    upload = find_upload(token)
    if upload.summary is None and upload.path.exists():
        return redirect(url_for(".preview", token=token), code=303)
    return render_page("imports/done.html", upload=upload, summary=upload.summary, listed=LISTED,
                       kind_label=KIND_LABELS[upload.kind], unit=UNITS[upload.kind])
