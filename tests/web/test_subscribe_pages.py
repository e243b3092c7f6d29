"""The subscribe pages lead with what works on mainland phones: iPhone first, then the phone makers'
own calendars with the https address to copy, a plain fallback (one activity at a time, or the file)
where subscribing may not work, and no Google steps anywhere."""
import re

import pytest

from tests import factories as f

from .helpers import text

MAKERS = ["小米", "华为", "荣耀", "OPPO", "vivo"]


def address_field(body: str) -> str:
    """The https address in its read-only field (copied by hand without JavaScript)."""
    found = re.findall(r'<input class="feed-address" id="[^"]+" type="url" readonly value="(https?://[^"]+)">', body)
    assert len(found) == 1, found
    return found[0]


@pytest.fixture
def pages(app):
    home = f.community()
    team = f.team(home, name="夕阳红老年志愿服务队")
    leader = f.user(home, "李队长")
    f.member(team, leader, leader=True)
    activity = f.activity(team, title="敬老院义剪")
    client = f.logged_in(app, leader)
    return {
        "community": text(client.get(f"/calendar/subscribe/community/{home.id}")),
        "team": text(client.get(f"/calendar/subscribe/teams/{team.id}")),
        "personal": text(client.post("/calendar/subscribe")),
        "team live": text(client.post(f"/calendar/subscribe/team-live/{team.id}")),
    }, {
        "activities": text(client.get("/")),
        "team page": text(client.get(f"/teams/{team.id}")),
        "activity page": text(client.get(f"/activities/{activity.id}")),
    }


def test_no_google_on_any_subscribe_page_or_subscribe_box(pages):
    subscribe_pages, boxes = pages
    for name, body in {**subscribe_pages, **boxes}.items():
        assert "Google" not in body and "google" not in body and "谷歌" not in body, name


def test_iphone_first_then_the_makers_with_the_address_and_a_fallback(pages):
    subscribe_pages, _boxes = pages
    for name, body in subscribe_pages.items():
        address = address_field(body)
        assert address.endswith(".ics"), name
        assert f'href="webcal://{address.split("://", 1)[1]}"' in body, name
        iphone = body.index("iPhone 一键订阅")
        assert all(iphone < body.index(maker) for maker in MAKERS), name
        assert "加入手机日历" in body, name  # one activity at a time, where subscribing may not work
        assert f'href="{address}" download>下载全部活动的日历文件' in body, name  # or the file, once
        assert 'data-copy="feed-address"' in body, name


def test_the_subscribe_box_on_lists_and_pages_leads_with_iphone_and_the_address(pages):
    _subscribe_pages, boxes = pages
    for name, body in boxes.items():
        box = body[body.index('<details class="subscribe">'):]
        address = address_field(box)
        assert box.index("iPhone 一键订阅") < box.index(address) < box.index("华为、小米、OPPO、vivo")
        assert "一键订阅（webcal）" not in box, name
