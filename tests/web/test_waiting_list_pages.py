"""What residents and organisers see of household seats and the waiting list."""
from tests import factories as f

from .helpers import HX


def test_join_waiting_list_see_position_and_get_promoted(app):
    home = f.community()
    team = f.team(home)
    leader, first, second = f.user(home, "李队长"), f.user(home, "王阿姨"), f.user(home, "赵大爷")
    f.member(team, leader, leader=True)
    activity = f.activity(team, capacity=2, max_seats_per_signup=2)
    url = f"/activities/{activity.id}"
    clients = {}
    for person in (leader, first, second):
        clients[person.id] = f.logged_in(app, person)

    page = clients[first.id].get(url).get_data(as_text=True)
    assert 'name="seats"' in page and "2人（我和家人）" in page
    answer = clients[first.id].post(f"{url}/signup", data={"seats": "2"}, headers=HX)
    assert answer.status_code == 200 and "报名成功，共2人" in answer.get_data(as_text=True)

    full = clients[second.id].get(url).get_data(as_text=True)
    assert "已满，可候补" in full and "加入候补" in full
    answer = clients[second.id].post(f"{url}/signup", headers=HX).get_data(as_text=True)
    assert "已为您加入候补（第1位）" in answer and "候补中：第 1 位" in answer and "退出候补" in answer

    roster = clients[leader.id].get(url).get_data(as_text=True)
    assert "报名名单（1 份，2 人）" in roster and "候补名单（1）" in roster and "王阿姨（2人）" in roster

    clients[first.id].post(f"{url}/withdraw", data={"confirmed": "1"}, headers=HX)
    mine = clients[second.id].get("/me/activities").get_data(as_text=True)
    assert "候补已递补，已报名" in mine
    assert "您已从候补转为正式报名" in clients[second.id].get(url).get_data(as_text=True)


def test_bad_seat_numbers_get_a_message(app):
    home = f.community()
    activity = f.activity(f.team(home), capacity=5, max_seats_per_signup=2)
    client = f.logged_in(app, f.user(home))
    for seats in ["3", "0", "abc", "-1", "9999999"]:
        answer = client.post(f"/activities/{activity.id}/signup", data={"seats": seats}, headers=HX)
        assert answer.status_code == 409, seats
        assert "报名人数" in answer.get_data(as_text=True) or "最多2人" in answer.get_data(as_text=True)
