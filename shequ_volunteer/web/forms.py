"""Form base: Chinese messages for WTForms' own errors, and helpers shared by forms."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import SelectChoice, StringField
from wtforms.validators import ValidationError


class BaseForm(FlaskForm):
    """Every form of the site: CSRF from Flask-WTF, messages in simplified Chinese."""

    class Meta:
        locales = ["zh"]


def strip_filter(value):
    """Trim the spaces phones' keyboards like to add."""
    return value.strip() if isinstance(value, str) else value


class CleanStringField(StringField):
    """A text field that trims input and refuses control characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        super().__init__(*args, **kwargs)

    def pre_validate(self, form):
        if self.data and any(ord(ch) < 32 and ch not in "\r\n\t" for ch in self.data):
            raise ValidationError("含有无法识别的字符")


def choices(pairs) -> list[SelectChoice]:
    """SelectField options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]
