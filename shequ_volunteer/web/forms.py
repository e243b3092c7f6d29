"""Form base: Chinese messages for WTForms' own errors, and helpers shared by forms (number fields:
web/number_fields.py)."""
from __future__ import annotations

import unicodedata

from flask import request
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import ValidationError

# Dates a community calendar can hold; others are typos or probes (year 1 cannot even
# be converted from Beijing time to UTC).
EARLIEST_YEAR, LATEST_YEAR = 2000, 2099


class BaseForm(FlaskForm):
    """Every form of the site: CSRF from Flask-WTF, messages in simplified Chinese."""

    class Meta:
        locales = ["zh"]

        def wrap_formdata(self, form, formdata):
            # Read the text fields of a browser form only. Flask-WTF would also take
            # uploaded files and JSON bodies, whose values need not be strings (a JSON
            # object as a title would reach the database as a dict).
            # formdata=None (a form shown empty) reads nothing: not even a body refused as too large.
            if formdata is not None and form.is_submitted() and (request.is_json or request.files):
                formdata = request.form
            return super().wrap_formdata(form, formdata)


def strip_filter(value):
    """Trim the spaces phones' keyboards like to add."""
    return value.strip() if isinstance(value, str) else value


def has_control_characters(value) -> bool:
    """NUL, ESC, DEL, C1 and the like; line breaks and tabs are ordinary text."""
    return isinstance(value, str) and any(
        unicodedata.category(ch) == "Cc" and ch not in "\r\n\t" for ch in value
    )


class _RefusesControlCharacters:
    def pre_validate(self, form):
        if has_control_characters(self.data):
            raise ValidationError("含有无法识别的字符")


class CleanStringField(_RefusesControlCharacters, StringField):
    """A text field that trims input and refuses control characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        super().__init__(*args, **kwargs)


class CleanTextAreaField(_RefusesControlCharacters, TextAreaField):
    """A multi-line text field that trims input and refuses control characters."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("filters", [strip_filter])
        super().__init__(*args, **kwargs)


def sensible_date(form, field):
    """A date or time within the years a community calendar can hold."""
    if field.data is not None and not EARLIEST_YEAR <= field.data.year <= LATEST_YEAR:
        raise ValidationError("请填写正确的日期")


def choices(pairs) -> list[SelectChoice]:
    """SelectField options from (value, label) pairs or a {value: label} mapping."""
    items = pairs.items() if isinstance(pairs, dict) else pairs
    return [SelectChoice(value, label) for value, label in items]


class MultiChoiceField(SelectMultipleField):
    """Several choices; WTForms' own refusal has no Chinese translation, this one does."""

    def pre_validate(self, form):
        allowed = {choice.value for choice in self.choices}
        if any(value not in allowed for value in self.data or ()):
            raise ValidationError("请从列出的选项中选择")

