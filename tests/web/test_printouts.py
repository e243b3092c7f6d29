"""A4 printouts: the poster's QR code leads to the activity; the sheet carries nobody's details."""
from datetime import timedelta

from tests import factories as f


def test_poster_and_sheet(app, client):
    home = f.community()
    team = f.team(home)
    activity = f.activity(team, title="<b>便民义剪</b>", capacity=12, starts_in=timedelta(days=2))
    signer = f.user(home, "王阿姨")
    other = f.logged_in(app, signer)
    other.post(f"/activities/{activity.id}/signup")

    poster = client.get(f"/activities/{activity.id}/poster").get_data(as_text=True)
    assert "&lt;b&gt;便民义剪&lt;/b&gt;" in poster and "<svg" in poster and "手机扫码查看、报名" in poster
    assert f"http://shequ.test/activities/{activity.id}" in poster
    assert "@page" not in poster and "print.css" in poster
    sheet = client.get(f"/activities/{activity.id}/sheet").get_data(as_text=True)
    assert sheet.count("<tr><td>") == 20 and "名额 12 人" in sheet
    assert "王阿姨" not in sheet and signer.phone not in sheet  # nothing personal on the notice board
    assert client.get(f"/activities/{activity.id}/flyer").status_code == 404
