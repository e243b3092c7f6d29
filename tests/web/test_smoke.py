"""The main pages answer for anonymous and signed-in people."""
from tests import factories as f


def test_pages_render_for_anonymous(app, client):
    home = f.community()
    team = f.team(home)
    activity = f.activity(team)
    for url in ["/", "/teams", f"/teams/{team.id}", f"/activities/{activity.id}", "/login", "/register"]:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "社区志愿服务" in response.get_data(as_text=True)


def test_my_activities_requires_login(client):
    response = client.get("/me/activities")
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]
