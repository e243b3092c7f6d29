"""The activity form (create and edit) and the list filter."""
from __future__ import annotations

from wtforms import BooleanField, DateField, DateTimeLocalField, SelectField
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..accounts.forms import PhoneField
from ..teams.models import TEAM_KINDS
from ..timeutil import from_local, utcnow
from ..web.forms import BaseForm, CleanStringField, CleanTextAreaField, MultiChoiceField, choices, sensible_date
from ..web.number_fields import WholeNumberField
from ..web.routing import MAX_ID
from . import recurrence
from .models import AUDIENCES, MAX_SEATS_LIMIT
from .queries import WHEN_CHOICES
from .rules import MAX_DURATION, TOO_LONG, max_seats_refusal
from .services import ActivityInput

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"


class ActivityForm(BaseForm):
    title = CleanStringField(
        "活动名称", validators=[DataRequired("请填写活动名称"), Length(max=80, message="不能超过80个字")]
    )
    description = CleanTextAreaField(
        "活动介绍", validators=[Length(max=2000, message="不能超过2000个字")]
    )
    starts_at = DateTimeLocalField(
        "开始时间", format=LOCAL_FORMAT, validators=[DataRequired("请填写开始时间"), sensible_date]
    )
    ends_at = DateTimeLocalField(
        "结束时间", format=LOCAL_FORMAT, validators=[DataRequired("请填写结束时间"), sensible_date]
    )
    room_id = SelectField("社区场地", coerce=int, default=0, validate_choice=True)
    place = CleanStringField("地点", validators=[Length(max=80, message="不能超过80个字")])
    capacity = WholeNumberField(
        "名额（不填为不限）",
        validators=[Optional(), NumberRange(min=1, max=100000, message="名额需要在1到100000之间")],
    )
    signup_deadline = DateTimeLocalField(
        "报名截止（可不填）", format=LOCAL_FORMAT, validators=[Optional(), sensible_date]
    )
    withdraw_deadline = DateTimeLocalField(
        "取消报名截止（可不填，不填则开始前都可取消）", format=LOCAL_FORMAT, validators=[Optional(), sensible_date]
    )
    audience = SelectField("面向", choices=choices(AUDIENCES), default="all")
    max_seats_per_signup = WholeNumberField(
        "每份报名最多几人（含本人，可带家人）", default=1,
        validators=[Optional(),
                    NumberRange(min=1, max=MAX_SEATS_LIMIT, message=f"需要在1到{MAX_SEATS_LIMIT}之间")],
    )
    waitlist_enabled = BooleanField("满员后可以候补", default=True)
    requires_approval = BooleanField("报名需要队长审核", default=False)

    # Set for new activities; an edit may correct the record of one already held.
    require_future_start = False

    def validate_starts_at(self, field):
        if field.errors:  # e.g. year 1, which cannot even be converted to UTC
            return
        if self.require_future_start and field.data and from_local(field.data) <= utcnow():
            raise ValidationError("开始时间已经过去了")

    @property
    def has_rooms(self) -> bool:
        """Does the community have rooms to choose from? Only then does the form speak of them."""
        return len(self.room_id.choices or ()) > 1

    def validate_place(self, field):
        if not field.data and not self.room_id.data:
            raise ValidationError("请填写地点，或选择社区场地" if self.has_rooms else "请填写地点")

    def validate_max_seats_per_signup(self, field):
        if field.errors or self.capacity.errors:  # a number not understood has its own message already
            return
        refusal = max_seats_refusal(field.data or 1, self.capacity.data)
        if refusal:
            raise ValidationError(refusal)

    def validate_ends_at(self, field):
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError("结束时间要晚于开始时间")
        if self.starts_at.data and field.data and field.data - self.starts_at.data > MAX_DURATION:
            raise ValidationError(TOO_LONG)

    def validate_signup_deadline(self, field):
        if self.starts_at.data and field.data and field.data > self.starts_at.data:
            raise ValidationError("报名截止不能晚于开始时间")

    def validate_withdraw_deadline(self, field):
        if self.starts_at.data and field.data and field.data > self.starts_at.data:
            raise ValidationError("取消截止不能晚于开始时间")

    # Repetition (new activities only) and the scope of an edit (occurrences of a series).
    repeat = SelectField("重复", choices=choices(recurrence.KINDS), default=recurrence.ONCE)
    repeat_weekdays = MultiChoiceField(
        "星期几", coerce=int, choices=choices((i, f"周{n}") for i, n in enumerate(recurrence.WEEKDAY_NAMES)),
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput(),
    )
    repeat_month_day = WholeNumberField("每月几号", validators=[
        Optional(), NumberRange(min=1, max=31, message="1到31号")])
    repeat_nth = SelectField("第几个", coerce=int, choices=choices(recurrence.NTH_LABELS), default=1)
    repeat_weekday = SelectField("星期几", coerce=int, default=5,
                                 choices=choices((i, f"星期{n}") for i, n in enumerate(recurrence.WEEKDAY_NAMES)))
    repeat_festival = SelectField("农历节日", default="double_ninth",
                                  choices=choices((key, value[0]) for key, value in recurrence.FESTIVALS.items()))
    repeat_until = DateField("重复到哪天为止", validators=[Optional(), sensible_date])
    repeat_count = WholeNumberField("或者：一共几次", validators=[
        Optional(), NumberRange(min=1, max=recurrence.MAX_OCCURRENCES, message=f"1到{recurrence.MAX_OCCURRENCES}次")])
    scope = SelectField("修改范围", choices=choices({"this": "只改这一次", "later": "这一次及以后各次"}),
                        default="this")

    def validate_repeat(self, field):
        if field.data == recurrence.ONCE:
            return
        if field.data == "weekly" and not self.repeat_weekdays.data:
            raise ValidationError("请选择每周哪几天")
        if field.data == "monthly_day" and not self.repeat_month_day.data:
            raise ValidationError("请填写每月几号")
        if not self.repeat_until.data and not self.repeat_count.data:
            raise ValidationError("请填写重复到哪天为止，或者一共几次")

    def to_rule(self) -> recurrence.Rule:
        return recurrence.Rule(
            kind=self.repeat.data, weekdays=tuple(self.repeat_weekdays.data or ()),
            month_day=self.repeat_month_day.data, nth=self.repeat_nth.data, weekday=self.repeat_weekday.data,
            festival=self.repeat_festival.data, until=self.repeat_until.data, count=self.repeat_count.data,
        )

    def to_input(self) -> ActivityInput:
        """Form values with the Shanghai wall times turned into UTC."""
        return ActivityInput(
            title=self.title.data,
            description=self.description.data or "",
            starts_at=from_local(self.starts_at.data),
            ends_at=from_local(self.ends_at.data),
            place=self.place.data,
            capacity=self.capacity.data,
            signup_deadline=from_local(self.signup_deadline.data),
            audience=self.audience.data,
            max_seats_per_signup=self.max_seats_per_signup.data or 1,
            waitlist_enabled=self.waitlist_enabled.data,
            requires_approval=self.requires_approval.data,
            withdraw_deadline=from_local(self.withdraw_deadline.data),
            room_id=self.room_id.data or None,
        )


class FilterForm(BaseForm):
    """GET filter on the list page; never needs CSRF."""

    class Meta:
        csrf = False
        locales = ["zh"]

    kind = SelectField("队伍", choices=choices([("", "全部队伍"), *TEAM_KINDS.items()]), default="")
    when = SelectField("时间", choices=choices(WHEN_CHOICES), default="upcoming")
    on_date = DateField("日期", validators=[Optional(), sensible_date])


def _seats_field() -> WholeNumberField:
    return WholeNumberField("人数", default=1, validators=[
        Optional(), NumberRange(min=1, max=MAX_SEATS_LIMIT, message="人数不对")])


class OnBehalfNewPersonForm(BaseForm):
    """代报名 for someone not registered: name and phone are enough."""

    name = CleanStringField(
        "姓名", validators=[DataRequired("请填写姓名"), Length(max=20, message="姓名不能超过20个字")]
    )
    phone = PhoneField("手机号（可填家属的）")
    seats = _seats_field()


class OnBehalfExistingForm(BaseForm):
    user_id = WholeNumberField(validators=[
        DataRequired("请选择居民"), NumberRange(min=1, max=MAX_ID, message="请选择居民")])
    seats = _seats_field()
