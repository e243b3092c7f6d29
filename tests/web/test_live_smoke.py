"""The multi-process server starts and serves pages from the test database."""
import requests

from tests import factories as f


def test_live_server_sees_committed_data(app, live_server):
    home = f.community()
    team = f.team(home, name="科普志愿服务队", kind="science")
    response = requests.get(f"{live_server.base_url}/teams/{team.id}", timeout=10)
    assert response.status_code == 200
    assert "科普志愿服务队" in response.text
