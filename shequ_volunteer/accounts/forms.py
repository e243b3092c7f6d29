"""Registration and login forms."""
from __future__ import annotations

from wtforms import BooleanField, PasswordField, SelectField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from ..phones import MAINLAND_MOBILE, normalise_phone
from ..web.forms import BaseForm, CleanStringField
from .privacy import PRIVACY_CONSENT_NEEDED


class PhoneField(CleanStringField):
    """An 11-digit mainland mobile number, typed however the phone's keyboard types it."""

    def __init__(self, label: str, message: str = "请填写11位手机号", **kwargs):
        kwargs.setdefault("filters", [normalise_phone])
        kwargs.setdefault(
            "validators", [DataRequired("请填写手机号"), Regexp(MAINLAND_MOBILE, message=message)]
        )
        super().__init__(label, **kwargs)


def new_password(label: str) -> PasswordField:
    """A password the person chooses: the one rule for its length, wherever a password is set."""
    return PasswordField(label, validators=[DataRequired("请设置密码"),
                                            Length(min=8, max=128, message="密码需要8到128位")])


class AccountForm(BaseForm):
    """Who a new account is and the password they chose: the rules for every way an account is opened
    (registration in the browser, `flask create-admin` on the server)."""

    phone = PhoneField("手机号", message="请填写11位手机号，例如 13812345678")
    name = CleanStringField(
        "姓名", validators=[DataRequired("请填写姓名"), Length(max=20, message="姓名不能超过20个字")]
    )
    password = new_password("密码")


def privacy_agreement(required: bool = True) -> BooleanField:
    """The consent box under the privacy notice (accounts.privacy): unticked until the person ticks it.
    Not `required` where only some who submit the form must agree (a one-time code opening an account
    needs it, a password reset does not): the service decides and refuses with PRIVACY_CONSENT_NEEDED."""
    return BooleanField("我已阅读并同意《个人信息保护说明》",
                        validators=[DataRequired(PRIVACY_CONSENT_NEEDED)] if required else [])


class RegisterForm(AccountForm):
    community_id = SelectField("所在社区", coerce=int, validate_choice=True)
    agree = privacy_agreement()


class LoginForm(BaseForm):
    phone = PhoneField("手机号")
    password = PasswordField("密码", validators=[DataRequired("请填写密码"), Length(max=128)])
    remember = BooleanField("在这台手机上保持登录", default=True)


# --- 我的资料: each change is its own small form; name, phone and password follow AccountForm's rules.

def current_password(element_id: str) -> PasswordField:
    """The password the person has now: asked before a change only they should make. Each form of the
    page names it `current_password`; `element_id` keeps the ids (and their labels) apart on one page."""
    return PasswordField("当前密码", id=element_id,
                         validators=[DataRequired("请填写您现在的密码"), Length(max=128)])


class NameForm(BaseForm):
    name = AccountForm.name


class PhoneChangeForm(BaseForm):
    phone = AccountForm.phone
    current_password = current_password("phone_current_password")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.phone.label.text = "新手机号"


class PasswordChangeForm(BaseForm):
    current_password = current_password("current_password")
    new_password = AccountForm.password
    new_password_again = PasswordField("再填一次新密码", validators=[
        DataRequired("请再填一次新密码"), EqualTo("new_password", message="两次填写的新密码不一样")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.new_password.label.text = "新密码"


class CloseAccountForm(BaseForm):
    current_password = current_password("close_current_password")
