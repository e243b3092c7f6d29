"""The upload form of 导入 (the mapping and the sheet travel in the query string: a preview is a GET)."""
from __future__ import annotations

from wtforms import FileField, RadioField
from wtforms.validators import DataRequired

from ..web.forms import BaseForm, choices
from .columns import KIND_LABELS


class UploadForm(BaseForm):
    """The kind is a form field; the file is read by the view from request.files (BaseForm reads only text
    fields of a multipart form, so a file can never stand in for a text value)."""

    kind = RadioField("导入什么名单", choices=choices(KIND_LABELS), validators=[DataRequired("请选择要导入的名单类型")])
    file = FileField("选择文件（.xlsx 或 .csv）", render_kw={"accept": ".xlsx,.xlsm,.csv"})
