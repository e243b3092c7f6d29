"""补录 form."""
from __future__ import annotations

from wtforms import DateField, SelectField, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from ..web.forms import BaseForm, CleanStringField, sensible_date
from . import rules


class ClaimForm(BaseForm):
    team_id = SelectField("服务的队伍", coerce=int, validate_choice=True)
    served_on = DateField("服务日期", validators=[DataRequired("请填写服务日期"), sensible_date])
    hours = StringField("时长（小时，如 1.5）", validators=[DataRequired("请填写时长")])
    note = CleanStringField("做了什么", validators=[DataRequired("请简单写一下做了什么"),
                                                  Length(max=200, message="不能超过200个字")])

    def validate_hours(self, field):
        if rules.parse_hours(field.data) is None:
            raise ValidationError(rules.HOURS_WANTED)

    @property
    def minutes(self) -> int:
        return rules.parse_hours(self.hours.data) or 0
