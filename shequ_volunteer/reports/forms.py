"""The certificate form: which period to certify, with the message by the field at fault."""
from __future__ import annotations

from datetime import date

from wtforms import DateField, RadioField
from wtforms.validators import InputRequired, Length, Optional

from ..web.forms import BaseForm, CleanStringField, choices, sensible_date
from . import periods
from .certificate_rules import certified_period, refusal


class CertificateForm(BaseForm):
    kind = RadioField("证明哪段时间的服务", choices=choices({"year": "整年", "range": "起止日期"}), default="year",
                      validators=[InputRequired("请选择时间段")])
    year = CleanStringField("年份", validators=[Length(max=4, message="年份请写成 2026")])
    start = DateField("开始日期", validators=[Optional(), sensible_date])
    end = DateField("结束日期", validators=[Optional(), sensible_date])

    def period(self, today: date) -> periods.Period | None:
        """The period asked for, cut at today; None with a message next to the field at fault."""
        try:
            if self.kind.data == "year":
                asked = periods.parse("year", self.year.data or "")
            elif self.start.data is None or self.end.data is None:
                for field in (self.start, self.end):
                    if field.data is None:
                        field.errors.append("请填写日期，例如 2026-11-22")
                return None
            else:
                asked = periods.parse("range", "", self.start.data.isoformat(), self.end.data.isoformat())
        except periods.PeriodError as error:
            (self.year if self.kind.data == "year" else self.end).errors.append(str(error))
            return None
        message = refusal(asked, today)
        if message:
            self.period_field.errors.append(message)
            return None
        return certified_period(asked, today)

    @property
    def period_field(self):
        """Where a message about the whole period goes."""
        return self.year if self.kind.data == "year" else self.start
