"""Household register and pairing forms (staff)."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from wtforms import BooleanField, DateField, RadioField, SelectField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..phones import is_mobile, normalise_phone, split_phones
from ..web.forms import BaseForm, CleanStringField, CleanTextAreaField, MultiChoiceField, choices, sensible_date
from ..web.number_fields import WholeNumberField
from .models import (
    AID_ITEM_MAX,
    CATEGORIES,
    FOLLOW_UP_STATUSES,
    MAJOR_CHANGES,
    VISIT_CHECKS,
    VISIT_DELETE_REASONS,
    VISIT_WAYS,
    Household,
)
from .rules import TIER_LABELS, parse_yuan

AID_ROWS = 3  # material help lines on the visit form


def _text(label: str, size: int, required: str | None = None) -> CleanStringField:
    validators = [DataRequired(required)] if required else []
    return CleanStringField(label, validators=[*validators, Length(max=size, message=f"不能超过{size}个字")])


class HouseholdForm(BaseForm):
    head_name = _text("户主/帮扶对象姓名", 40, "请填写姓名")
    grid = _text("网格", 20)
    estate = _text("小区", 40)
    building = _text("楼栋", 20)
    room = _text("室", 20)
    outside_area = BooleanField("住在本社区以外（外地）")
    address_note = _text("外地地址（外地才填）", 100)
    members = _text("家庭成员（简要）", 300)
    categories = MultiChoiceField("类别（可多选）", choices=choices(CATEGORIES), widget=ListWidget(prefix_label=False),
                                  option_widget=CheckboxInput())
    tier = SelectField("关注等级", choices=choices(TIER_LABELS), default="general")
    visit_interval_days = WholeNumberField("探访间隔（天，可不填，按等级默认）",
                                           validators=[Optional(), NumberRange(min=1, max=365, message="1到365天")])
    contact_name = _text("联系人", 40)
    contact_phone = CleanStringField("联系人电话（手机）", filters=[normalise_phone])
    consent = BooleanField("已取得本人或监护人同意登记", default=False)
    notes = CleanTextAreaField("工作人员备注（只写探访需要的，不记宗教、违法记录等；志愿者看不到）",
                               validators=[Length(max=1000, message="不能超过1000个字")])
    helper_brief = CleanTextAreaField("交给结对志愿者的说明（志愿者只能看到这里写的）",
                                      validators=[Length(max=500, message="不能超过500个字")])

    def validate_contact_phone(self, field):
        if field.data and not is_mobile(field.data):
            raise ValidationError("请填写11位手机号")

    def household_data(self) -> dict:
        return {name: self[name].data for name in (*Household.EDITABLE, "categories", "consent")}


def _phones_valid(form, field):
    for phone in split_phones(field.data or ""):
        if not is_mobile(phone):
            raise ValidationError(f"“{phone}”不是11位手机号")


class PairingForm(BaseForm):
    helper_phones = CleanStringField("结对志愿者手机号（一到两个，用逗号分开）",
                                     validators=[Length(max=40, message="不能超过40个字"), _phones_valid])
    team_id = SelectField("或结对整支队伍", coerce=int, default=0, validate_choice=True)
    reason = _text("结对原因", 200, "请填写结对原因")
    # InputRequired: an impossible date typed in keeps its own message (不是有效的日期值), not "请填写".
    starts_on = DateField("开始日期", validators=[InputRequired("请填写开始日期"), sensible_date])
    ends_on = DateField("结束日期（可不填，长期结对）", validators=[Optional(), sensible_date])

    def validate_ends_on(self, field):
        if field.data and self.starts_on.data and field.data < self.starts_on.data:
            raise ValidationError("结束日期不能早于开始日期")


class HelpersForm(BaseForm):
    helper_phones = CleanStringField("结对志愿者手机号（一到两个，用逗号分开）",
                                     validators=[Length(max=40, message="不能超过40个字"), _phones_valid])


class VisitForm(BaseForm):
    way = RadioField("方式", choices=choices(VISIT_WAYS), default="home",
                     validators=[InputRequired("请选择探访方式")])
    # Which dates are sensible is the visit rule's to say (validate_visited_on), with the range in its words.
    visited_on = DateField("探访日期", validators=[InputRequired("请填写探访日期")])
    duration_minutes = WholeNumberField("时长（分钟）", default=30, validators=[
        InputRequired("请填写时长"), NumberRange(min=1, max=600, message="时长在1到600分钟之间")])
    concerns = MultiChoiceField("发现问题的方面（没有问题就不勾）", choices=choices(VISIT_CHECKS),
                                widget=ListWidget(prefix_label=False), option_widget=CheckboxInput())
    note = CleanTextAreaField("情况简述（可不填）", validators=[Length(max=500, message="不能超过500个字")])
    needs_follow_up = BooleanField("需要社区跟进")
    follow_up_reason = CleanStringField("需要跟进什么", validators=[Length(max=200, message="不能超过200个字")])

    aid_item_max = AID_ITEM_MAX  # the template's maxlength for the 物资 boxes

    # The rule the visit date must meet, set by the view: rules.visit_date_refusal for a visit logged today,
    # corrected_date_refusal for a correction. The service asks the same rule again; asking it here too puts
    # its message beside the date together with every other field's, not only once the others are right.
    date_refusal: Callable[[date], str | None] | None = None

    def validate_visited_on(self, field):
        if field.errors or field.data is None:
            return
        if self.date_refusal is None:
            sensible_date(self, field)
        elif refusal := self.date_refusal(field.data):
            raise ValidationError(refusal)

    def validate_follow_up_reason(self, field):
        if self.needs_follow_up.data and not field.data:
            raise ValidationError("勾选了需要跟进，请写明跟进什么")

    def aid_lines(self, formdata) -> tuple[list[tuple[str, int]], dict[int, str]]:
        """The material help lines (item, fen) and an error message per line number."""
        lines, errors = [], {}
        for number in range(1, AID_ROWS + 1):
            item = (formdata.get(f"aid_item_{number}") or "").strip()
            amount = (formdata.get(f"aid_amount_{number}") or "").strip()
            if not item and not amount:
                continue
            if not item or len(item) > AID_ITEM_MAX or any(ord(ch) < 32 for ch in item):
                errors[number] = f"请写物资名称（{AID_ITEM_MAX}字以内）"
                continue
            fen = parse_yuan(amount or "0")
            if fen is None:
                errors[number] = "金额请写0到100000之间的数，例如 50 或 12.5"
                continue
            lines.append((item, fen))
        return lines, errors

    def visit_fields(self) -> dict:
        """The visit's own fields as services.VisitInput takes them (logging adds the aid and the follow-up)."""
        return {"way": self.way.data, "visited_on": self.visited_on.data,
                "duration_minutes": self.duration_minutes.data, "concerns": self.concerns.data or [],
                "note": self.note.data or ""}


class VisitCorrectionForm(VisitForm):
    """更正: the visit form's own fields and checks, without the material help and the follow-up (logged once)."""

    needs_follow_up = None
    follow_up_reason = None


class VisitDeleteForm(BaseForm):
    reason = RadioField("为什么删除", choices=choices(VISIT_DELETE_REASONS),
                        validators=[InputRequired("请选择删除的原因")])


class MajorChangeForm(BaseForm):
    kind = SelectField("发生了什么", choices=choices(MAJOR_CHANGES), validate_choice=True)
    note = CleanStringField("简要说明（可不填）", validators=[Length(max=200, message="不能超过200个字")])


class FollowUpForm(BaseForm):
    status = SelectField("状态", choices=choices(FOLLOW_UP_STATUSES), validate_choice=True)
    owner_id = SelectField("负责人", coerce=int, validate_choice=True)
    resolution = CleanStringField("处理情况（办结时必填）", validators=[Length(max=300, message="不能超过300个字")])
