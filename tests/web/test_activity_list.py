"""The list shows activities not yet over, including long ones that began days ago."""
from datetime import timedelta

from tests import factories as f


def test_running_multi_day_activity_is_listed_and_over_ones_are_not(app, client):
    team = f.team(f.community())
    f.activity(team, title="书画展（进行中）", starts_in=timedelta(days=-20), hours=24 * 25)
    f.activity(team, title="昨天的义剪", starts_in=timedelta(days=-1), hours=2)
    f.activity(team, title="下周的讲座", starts_in=timedelta(days=7))
    page = client.get("/").get_data(as_text=True)
    assert "书画展（进行中）" in page and "下周的讲座" in page
    assert "昨天的义剪" not in page


def test_activity_longer_than_31_days_is_refused(app, client):
    home = f.community()
    team = f.team(home)
    f.login(client, f.staff(home))
    response = client.post(f"/teams/{team.id}/activities/new", data={
        "title": "长期活动", "place": "活动室", "audience": "all",
        "starts_at": "2099-01-01T09:00", "ends_at": "2099-02-05T09:00",
    })
    assert response.status_code == 422
    assert "活动最长31天" in response.get_data(as_text=True)
    assert "长期活动" in response.get_data(as_text=True)  # what was typed is kept


def test_an_activity_nobody_signed_up_for_says_so_outside_the_numbered_list(app):
    home = f.community()
    team, leader = f.team(home), f.user(home, "李队长")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="义诊")
    body = f.logged_in(app, leader).get(f"/activities/{activity.id}").get_data(as_text=True)
    assert '<p class="empty">还没有人报名</p>' in body and "<li>还没有人报名" not in body
