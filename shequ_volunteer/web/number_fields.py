"""The site's number field: one plain Chinese message for what is not a whole number."""
from __future__ import annotations

from wtforms import IntegerField
from wtforms.validators import StopValidation

NOT_A_WHOLE_NUMBER = "请填写整数"


class WholeNumberField(IntegerField):
    """Every number field of the site: what is not a whole number ("2.5", "abc") gets one plain message.

    WTForms' own says "不是有效的整数。", and then ran the field's validators on the missing value as
    well (a range's "需要在1到100000之间" beside it, a contradiction). This field says it once and stops.
    """

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("invalid_value_message", NOT_A_WHOLE_NUMBER)
        super().__init__(*args, **kwargs)

    def process_formdata(self, valuelist):
        if valuelist and isinstance(valuelist[0], str) and not valuelist[0].strip():
            self.data = None  # left empty: not a wrong number; Optional or InputRequired says what that means
            return
        super().process_formdata(valuelist)

    def pre_validate(self, form):
        if self.process_errors:  # already said why; the validators would only judge the value that is not there
            raise StopValidation()
