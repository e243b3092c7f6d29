"""每份报名最多 never exceeds 名额: the activity form and the services refuse it, and the sign-up menus of an
activity saved before that (or with places cut since) offer no more seats than the activity has."""
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.activities.models import Activity
from shequ_volunteer.communities.models import Community
from shequ_volunteer.extensions import db
from shequ_volunteer.refusals import Refused
from shequ_volunteer.timeutil import from_local, utcnow
from tests import factories as f

from .helpers import HX, read_form, text
from .test_series import base_form, leader_client  # noqa: F401 (a signed-in leader and the team)

TOO_MANY = "不能多于名额：这个活动一共只有2个名额"


def activities() -> int:
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(Activity))


@pytest.mark.parametrize("headers", [{}, HX], ids=["plain", "htmx"])
def test_a_new_activity_may_not_take_more_per_signup_than_it_has_places(app, leader_client, headers):  # noqa: F811
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", headers=headers, data=base_form(
        datetime(2099, 3, 2, 9), capacity="2", max_seats_per_signup="5"))
    assert answer.status_code == 422
    form = read_form(text(answer))
    assert form.messages["max_seats_per_signup"] == TOO_MANY
    assert form.messages["capacity"] == ""
    assert (form.values["capacity"], form.values["max_seats_per_signup"]) == ("2", "5")  # as typed
    assert activities() == 0


@pytest.mark.parametrize("capacity, most, saved", [("2", "2", True), ("", "5", True), ("1", "2", False)])
def test_as_many_per_signup_as_places_or_unlimited_places_is_fine(app, leader_client, capacity, most,  # noqa: F811
                                                                  saved):
    client, team = leader_client
    answer = client.post(f"/teams/{team.id}/activities/new", data=base_form(
        datetime(2099, 3, 2, 9), capacity=capacity, max_seats_per_signup=most))
    assert answer.status_code == (303 if saved else 422)
    assert activities() == (1 if saved else 0)


def test_an_edit_may_not_cut_the_places_below_one_signups_most(app, leader_client):  # noqa: F811
    client, team = leader_client
    activity = f.activity(team, capacity=10, max_seats_per_signup=5)
    start = datetime(2099, 3, 2, 9)
    answer = client.post(f"/activities/{activity.id}/edit", data=base_form(start, capacity="2",
                                                                          max_seats_per_signup="5"))
    assert answer.status_code == 422 and read_form(text(answer)).messages["max_seats_per_signup"] == TOO_MANY
    db.session.rollback()
    assert db.session.get(Activity, activity.id).capacity == 10
    assert client.post(f"/activities/{activity.id}/edit", data=base_form(
        start, capacity="2", max_seats_per_signup="2")).status_code == 303


def test_the_services_refuse_it_too(app, leader_client):  # noqa: F811
    """The demo seed and any other caller save activities without the form."""
    _client, team = leader_client
    actor = actor_for(f.staff(db.session.get(Community, team.community_id)))
    start = from_local(datetime(2099, 3, 2, 9))
    data = services.ActivityInput("健康讲座", "", start, start + timedelta(hours=1), "活动室", 2, None, "all",
                                  max_seats_per_signup=5)
    with pytest.raises(Refused) as refused:
        services.create_activity(actor, team.id, data, utcnow())
    assert (refused.value.message, refused.value.field) == (TOO_MANY, "max_seats_per_signup")
    db.session.rollback()
    existing = f.activity(team, capacity=10, max_seats_per_signup=2)
    with pytest.raises(Refused):
        services.update_activity(actor, existing, data, utcnow())
    db.session.rollback()


def test_the_seat_menus_offer_no_more_than_the_places(app):
    """An activity saved before the rule (2 places, up to 5 a sign-up): 1 or 2 people, never 5."""
    home = f.community()
    team = f.team(home)
    leader, resident = f.user(home, "李队长"), f.user(home, "王阿姨")
    f.member(team, leader, leader=True)
    activity = f.activity(team, capacity=2, max_seats_per_signup=5)

    page = text(f.logged_in(app, resident).get(f"/activities/{activity.id}"))
    assert "2人（我和家人）" in page and "3人" not in page and "5人" not in page
    assert page.count('<option value="') == 2
    on_behalf = text(f.logged_in(app, leader).get(f"/activities/{activity.id}/on-behalf?q=王"))
    assert '<option value="2">2人</option>' in on_behalf and '<option value="3">' not in on_behalf
    sheet = text(f.logged_in(app, leader).get(f"/activities/{activity.id}/sheet"))
    assert "每份报名最多 2 人" in sheet


def test_one_place_offers_no_seat_menu(app):
    home = f.community()
    team = f.team(home)
    activity = f.activity(team, capacity=1, max_seats_per_signup=3)
    page = text(f.logged_in(app, f.user(home, "王阿姨")).get(f"/activities/{activity.id}"))
    assert 'name="seats"' not in page and "报名人数" not in page
