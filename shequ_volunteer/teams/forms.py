"""Team forms (staff) and the leader appointment form."""
from __future__ import annotations

from wtforms import SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from ..accounts.forms import MAINLAND_MOBILE
from ..web.forms import BaseForm, CleanStringField, choices, strip_filter
from .models import TEAM_KINDS


class TeamForm(BaseForm):
    name = CleanStringField(
        "队伍名称", validators=[DataRequired("请填写队伍名称"), Length(max=60, message="不能超过60个字")]
    )
    kind = SelectField("类型", choices=choices(TEAM_KINDS))
    description = TextAreaField(
        "介绍", filters=[strip_filter], validators=[Length(max=2000, message="不能超过2000个字")]
    )


class LeaderForm(BaseForm):
    phone = CleanStringField(
        "队长手机号",
        validators=[DataRequired("请填写手机号"), Regexp(MAINLAND_MOBILE, message="请填写11位手机号")],
    )
