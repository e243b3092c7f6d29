"""The notice form, and the team's work-group address form."""
from __future__ import annotations

from wtforms import BooleanField, DateField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from ..outbox.rules import webhook_problem
from ..web.forms import BaseForm, CleanStringField, CleanTextAreaField, sensible_date
from .models import BODY_MAX, TITLE_MAX


class NoticeForm(BaseForm):
    title = CleanStringField("标题", validators=[DataRequired("请填写标题"),
                                               Length(max=TITLE_MAX, message=f"不能超过{TITLE_MAX}个字")])
    body = CleanTextAreaField("内容", validators=[DataRequired("请填写公告内容"),
                                                Length(max=BODY_MAX, message=f"不能超过{BODY_MAX}个字")])
    expires_on = DateField("有效期至（可不填，过期后不再显示在首页）", validators=[Optional(), sensible_date])
    pinned = BooleanField("置顶")


class WorkGroupForm(BaseForm):
    """The robot's webhook address; checked by outbox.rules (one rule for the form and the service)."""

    webhook_url = CleanStringField("群机器人 Webhook 地址", validators=[DataRequired("请粘贴群机器人的 Webhook 地址")])

    def __init__(self, *args, allow_local: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.allow_local = allow_local

    def validate_webhook_url(self, field):
        problem = webhook_problem(field.data or "", self.allow_local)
        if problem:
            raise ValidationError(problem)
