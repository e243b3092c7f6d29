"""A number field given what is not a whole number ("2.5", "abc") says so once, in plain Chinese: not WTForms'
"不是有效的整数。", and not that beside its range's message (which judged a value that was not there)."""
import importlib
import pkgutil
from datetime import datetime

import pytest
from wtforms import IntegerField
from wtforms.fields.core import UnboundField

import shequ_volunteer
from shequ_volunteer.web.forms import BaseForm
from shequ_volunteer.web.number_fields import NOT_A_WHOLE_NUMBER, WholeNumberField
from tests import factories as f

from .helpers import read_form, text
from .test_series import base_form, leader_client  # noqa: F401 (a signed-in leader and the team)


def _all_forms() -> list[type]:
    for module in pkgutil.walk_packages(shequ_volunteer.__path__, "shequ_volunteer."):
        if module.name.endswith(".forms"):
            importlib.import_module(module.name)
    found, todo = [], [BaseForm]
    while todo:
        form = todo.pop()
        found.append(form)
        todo.extend(form.__subclasses__())
    return found


def test_every_number_field_of_the_site_is_the_shared_one():
    """So each of them answers a wrong number the same way (the field, not each form, decides)."""
    number_fields = {
        (form.__name__, name): unbound.field_class for form in _all_forms() for name in dir(form)
        if isinstance(unbound := getattr(form, name), UnboundField) and issubclass(unbound.field_class, IntegerField)
    }
    assert ("ActivityForm", "capacity") in number_fields and ("VisitForm", "duration_minutes") in number_fields
    assert [key for key, field_class in number_fields.items() if field_class is not WholeNumberField] == []


@pytest.mark.parametrize("field, typed", [
    ("capacity", "2.5"), ("capacity", "abc"), ("max_seats_per_signup", "1.5"), ("repeat_month_day", "3.5"),
    ("repeat_count", "4.0"),
])
def test_the_activity_form(app, leader_client, field, typed):  # noqa: F811
    client, team = leader_client
    repeating = {"repeat": "monthly_day", "repeat_month_day": "3", "repeat_count": "4"}
    answer = client.post(f"/teams/{team.id}/activities/new",
                         data=base_form(datetime(2099, 3, 2, 9), **{**repeating, field: typed}))
    assert answer.status_code == 422
    form = read_form(text(answer))
    assert form.messages[field] == NOT_A_WHOLE_NUMBER  # one message, nothing beside it
    assert form.values[field] == typed  # what was typed stays to be corrected


def test_left_empty_is_no_wrong_number(app, leader_client):  # noqa: F811
    """名额 left empty means unlimited, as before: emptiness is Optional's to judge."""
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(
        datetime(2099, 3, 2, 9), capacity="", max_seats_per_signup=""))
    assert answer.status_code == 303


def test_the_room_form(app):
    home = f.community()
    client = f.logged_in(app, f.staff(home))
    answer = client.post("/rooms", data={"name": "多功能厅", "capacity": "40.5"})
    assert answer.status_code == 422
    assert read_form(text(answer)).messages["capacity"] == NOT_A_WHOLE_NUMBER


def test_the_visit_and_household_forms(app):
    home = f.community()
    staff, helper = f.staff(home), f.user(home, "志愿者刘洋")
    household = f.paired_household(home, staff, helpers=[helper])
    answer = f.logged_in(app, helper).post(f"/households/{household.id}/visits/new", data={
        "way": "phone", "visited_on": f.beijing_today().isoformat(), "duration_minutes": "30.5"})
    assert answer.status_code == 422
    assert read_form(text(answer)).messages["duration_minutes"] == NOT_A_WHOLE_NUMBER
    answer = f.logged_in(app, staff).post("/households/new", data={
        "head_name": "李秀珍", "building": "7", "room": "101", "tier": "key", "visit_interval_days": "14.5"})
    assert answer.status_code == 422
    assert read_form(text(answer)).messages["visit_interval_days"] == NOT_A_WHOLE_NUMBER
