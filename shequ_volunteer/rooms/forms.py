"""The room form (staff)."""
from __future__ import annotations

from wtforms.validators import DataRequired, Length, NumberRange

from ..web.forms import BaseForm, CleanStringField
from ..web.number_fields import WholeNumberField


class RoomForm(BaseForm):
    name = CleanStringField("名称", validators=[DataRequired("请填写名称"), Length(max=40, message="不能超过40个字")])
    capacity = WholeNumberField("最多容纳人数", validators=[DataRequired("请填写人数"),
                                                       NumberRange(min=1, max=100000, message="人数不对")])
    equipment = CleanStringField("设备（可不填）", validators=[Length(max=200, message="不能超过200个字")])
