"""The administrator's forms."""
from __future__ import annotations

from wtforms.validators import DataRequired, Length

from ..accounts.forms import PhoneField
from ..web.forms import BaseForm, CleanStringField


class StreetForm(BaseForm):
    name = CleanStringField("街道名称", validators=[DataRequired("请填写街道名称"),
                                                    Length(max=60, message="不能超过60个字")])


class CommunityForm(BaseForm):
    name = CleanStringField("社区名称", validators=[DataRequired("请填写社区名称"),
                                                    Length(max=60, message="不能超过60个字")])
    address = CleanStringField("地址（印在门卡和通知上）", validators=[Length(max=120, message="不能超过120个字")])
    hotline = CleanStringField("服务热线", validators=[Length(max=20, message="不能超过20个字")])


class PersonPhoneForm(BaseForm):
    phone = PhoneField("手机号")
