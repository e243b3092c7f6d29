"""The search box of the people list, the issuing of a code, and entering one."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..accounts.codes import CODE_DIGITS
from ..accounts.forms import PhoneField, new_password, privacy_agreement
from ..phones import ascii_digits
from ..web.forms import BaseForm, CleanStringField, choices
from .lifecycle import DEACTIVATION_REASONS


class SearchForm(BaseForm):
    """GET /people?q=: a name or part of a phone number. Control characters are refused here, so a NUL
    never reaches PostgreSQL (which cannot hold one in a string)."""

    class Meta:
        csrf = False

    q = CleanStringField("姓名或手机号", validators=[Length(max=20, message="最多20个字")])


class DeactivateForm(BaseForm):
    reason = SelectField("停用原因", choices=choices([("", "请选择原因"), *DEACTIVATION_REASONS.items()]),
                         validators=[DataRequired("请选择停用原因")])


class IssueCodeForm(BaseForm):
    stop_calendar = BooleanField("同时停用他的日历订阅链接")


def code_digits(value):
    """Codes as phones type them: full-width digits, spaces between the groups of the slip."""
    if not isinstance(value, str):
        return value
    digits = "".join(ascii_digits(value).split())
    return digits if digits.isascii() and digits.isdigit() else value.strip()


class EnterCodeForm(BaseForm):
    phone = PhoneField("手机号")
    code = CleanStringField("验证码", filters=[code_digits],
                            render_kw={"inputmode": "numeric", "autocomplete": "one-time-code"}, validators=[
        DataRequired("请填写社区工作人员给您的验证码"),
        Regexp(f"^[0-9]{{{CODE_DIGITS}}}$", message=f"验证码是{CODE_DIGITS}位数字")])
    password = new_password("新密码")
    password_again = PasswordField("再输一遍新密码", validators=[
        DataRequired("请再输一遍新密码"), EqualTo("password", message="两次输入的密码不一样")])
    agree = privacy_agreement(required=False)
