"""Hints speak only of what exists: no word about rooms where the community has none, no team to pair
where it has no team."""
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household
from shequ_volunteer.rooms.models import Room
from tests import factories as f

from .helpers import read_form, text
from .test_series import leader_client  # noqa: F401 (a signed-in leader and the team)


def test_the_activity_form_speaks_of_rooms_only_where_there_are_rooms(app, leader_client):  # noqa: F811
    client, team = leader_client
    without = text(client.get(f"/teams/{team.id}/activities/new"))
    assert "地点" in without and "场地" not in without

    db.session.add(Room(community_id=team.community_id, name="多功能厅", capacity=60))
    db.session.commit()
    with_room = text(client.get(f"/teams/{team.id}/activities/new"))
    assert "多功能厅" in with_room and "选了场地可不填" in with_room


def test_a_missing_place_is_asked_for_without_rooms_where_there_are_none(app, leader_client):  # noqa: F811
    client, team = leader_client
    typed = {"title": "健康讲座", "audience": "all", "starts_at": "2099-03-02T09:00", "ends_at": "2099-03-02T10:00"}
    without = client.post(f"/teams/{team.id}/activities/new", data=typed)
    assert without.status_code == 422
    assert read_form(text(without)).messages["place"] == "请填写地点" and "场地" not in text(without)

    db.session.add(Room(community_id=team.community_id, name="多功能厅", capacity=60))
    db.session.commit()
    with_room = client.post(f"/teams/{team.id}/activities/new", data=typed)
    assert read_form(text(with_room)).messages["place"] == "请填写地点，或选择社区场地"


def test_pairing_a_whole_team_is_offered_only_where_there_are_teams(app):
    home = f.community()
    staff = f.staff(home)
    household = Household(community_id=home.id, head_name="欧阳桂英", building="3", room="201", tier="key")
    db.session.add(household)
    db.session.commit()
    client = f.logged_in(app, staff)
    without = text(client.get(f"/households/{household.id}"))
    assert "新建结对" in without and "队伍" not in without.split("新建结对")[1].split("</form>")[0]

    db.session.rollback()  # the page wrote its access log meanwhile: leave the old snapshot before writing
    f.team(db.session.get(type(home), home.id), name="夕阳红老年志愿服务队")
    with_team = text(client.get(f"/households/{household.id}"))
    assert "结对整支队伍" in with_team and "夕阳红老年志愿服务队" in with_team
