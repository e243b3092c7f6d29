"""Team forms (staff) and the leader appointment form."""
from __future__ import annotations

from wtforms import SelectField
from wtforms.validators import DataRequired, Length

from ..accounts.forms import PhoneField
from ..web.forms import BaseForm, CleanStringField, CleanTextAreaField, choices
from .models import REMOVAL_REASONS, TEAM_KINDS


class TeamForm(BaseForm):
    name = CleanStringField(
        "队伍名称", validators=[DataRequired("请填写队伍名称"), Length(max=60, message="不能超过60个字")]
    )
    kind = SelectField("类型", choices=choices(TEAM_KINDS))
    description = CleanTextAreaField("介绍", validators=[Length(max=2000, message="不能超过2000个字")])


class LeaderForm(BaseForm):
    phone = PhoneField("队长手机号")


class RemoveMemberForm(BaseForm):
    reason = SelectField("移出原因", choices=choices([("", "请选择原因"), *REMOVAL_REASONS.items()]),
                         validators=[DataRequired("请选择移出原因")])
