"""Household register and pairing forms (staff)."""
from __future__ import annotations

from wtforms import BooleanField, DateField, IntegerField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..web.forms import BaseForm, CleanStringField, MultiChoiceField, choices, sensible_date, strip_filter
from .models import CATEGORIES
from .rules import TIER_LABELS


def _text(label: str, size: int, required: str | None = None) -> CleanStringField:
    validators = [DataRequired(required)] if required else []
    return CleanStringField(label, validators=[*validators, Length(max=size, message=f"不能超过{size}个字")])


class HouseholdForm(BaseForm):
    head_name = _text("户主/帮扶对象姓名", 40, "请填写姓名")
    estate = _text("小区", 40)
    building = _text("楼栋", 20)
    room = _text("室", 20)
    outside_area = BooleanField("住在本社区以外（外地）")
    address_note = _text("外地地址（外地才填）", 100)
    members = _text("家庭成员（简要）", 300)
    categories = MultiChoiceField("类别（可多选）", choices=choices(CATEGORIES), widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    tier = SelectField("关注等级", choices=choices(TIER_LABELS), default="general")
    visit_interval_days = IntegerField("探访间隔（天，可不填，按等级默认）",
                                       validators=[Optional(), NumberRange(min=1, max=365, message="1到365天")])
    contact_name = _text("联系人", 40)
    contact_phone = _text("联系人电话", 11)
    consent = BooleanField("已取得本人或监护人同意登记", default=False)
    notes = TextAreaField("备注（只写探访需要的，不记宗教、违法记录等）", filters=[strip_filter],
                          validators=[Length(max=1000, message="不能超过1000个字")])


class PairingForm(BaseForm):
    helper_phones = _text("结对志愿者手机号（一到两个，用逗号分开）", 40)
    team_id = SelectField("或结对整支队伍", coerce=int, default=0, validate_choice=True)
    reason = _text("结对原因", 200, "请填写结对原因")
    starts_on = DateField("开始日期", validators=[DataRequired("请填写开始日期"), sensible_date])
