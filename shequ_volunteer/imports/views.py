"""导入 (/imports): staff bring their community's lists in — pick the kind, download its template, upload a file.

Staff only (everyone else 403); an upload is seen only by the staff member who made it, in that community
(anyone else 404). The preview, the problem rows and the confirmation: imports/preview_views.py.
"""
from __future__ import annotations

from flask import make_response, redirect, request, url_for
from flask_login import login_required
from werkzeug.exceptions import RequestEntityTooLarge

from ..database import takes_write_lock_itself
from ..downloads import attachment
from ..timeutil import utcnow
from ..web.auth import current_actor
from ..web.errors import error_answer
from ..web.htmx import render_page
from . import uploads
from .blueprint import XLSX, bp, staff, upload_folder
from .columns import FIELDS, KIND_LABELS
from .file_checks import MAX_FILE_BYTES, megabytes
from .forms import UploadForm
from .reading import FileRefused, limits_in_words, list_sheets
from .workbooks import template_workbook

KIND_FILE_NAMES = {"residents": "residents", "members": "team-members", "households": "households"}


def _index(form: UploadForm, status: int = 200):
    return render_page("imports/index.html", status=status, form=form, kinds=KIND_LABELS, fields=FIELDS,
                       limits=limits_in_words())


@bp.get("/imports")
@login_required
def index():
    staff()
    return _index(UploadForm(formdata=None))


@bp.get("/imports/templates/<any(residents, members, households):kind>.xlsx")
@login_required
def template(kind: str):
    staff()
    response = make_response(template_workbook(kind))
    response.headers["Content-Type"] = XLSX
    response.headers["Content-Disposition"] = attachment(f"{KIND_LABELS[kind]}导入模板.xlsx",
                                                         f"{KIND_FILE_NAMES[kind]}-template.xlsx")
    return response


@bp.post("/imports")
@login_required
@takes_write_lock_itself  # writes no row: the file is kept on disk until the preview is confirmed
def upload():
    """Keep the file under a random name and go to its preview; a file that cannot be read is refused here."""
    actor = staff()
    form = UploadForm()
    valid = form.validate_on_submit()
    chosen = request.files.get("file")
    if not chosen or not chosen.filename:
        form.file.errors = ["请选择要导入的文件"]
    if not valid or form.file.errors:
        return _index(form, 422)
    now, folder = utcnow(), upload_folder()
    uploads.sweep(folder, now)  # each upload clears the hour-old ones (run-jobs does too)
    kept = uploads.save(folder, chosen.stream, user_id=actor.user_id, community_id=actor.community_id,
                        kind=form.kind.data, file_name=chosen.filename, now=now)
    try:
        list_sheets(kept.path, kept.file_name)
    except FileRefused as refusal:
        uploads.discard(kept)
        form.file.errors = [refusal.message]
        return _index(form, 422)
    return redirect(url_for(".preview", token=kept.token), code=303)


@bp.errorhandler(RequestEntityTooLarge)
def too_large(_error):
    """A body over MAX_CONTENT_LENGTH is refused from its Content-Length, before it is read (so the kind chosen
    cannot be shown again: it is in the unread body)."""
    actor = current_actor()
    if not (actor.is_staff and actor.community_id is not None):
        return error_answer(413)
    form = UploadForm(formdata=None)
    form.file.errors = [f"文件太大，最多 {megabytes(MAX_FILE_BYTES)} MB。请把名单分成几个文件，分别导入。"]
    return _index(form, 422)
