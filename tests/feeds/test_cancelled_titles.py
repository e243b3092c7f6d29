"""A cancelled activity says so in its title, in every feed and in the single download.

STATUS:CANCELLED alone is not enough: several phone calendars ignore it and keep showing the
old title, so a resident would walk to an activity that is not happening."""
from __future__ import annotations

import icalendar
import pytest

from tests.feeds.test_conditional_get import KINDS, build_world, cancel

CANCELLED_PREFIX = "已取消 · "


def summaries(body: bytes) -> dict[str, str]:
    return {str(event["UID"]): str(event["SUMMARY"]) for event in icalendar.Calendar.from_ical(body).walk("VEVENT")}


@pytest.mark.parametrize("kind", KINDS)
def test_a_cancelled_activity_starts_its_title_with_yiquxiao_in_every_feed(app, client, kind):
    world = build_world()
    uid = f"activity-{world.main.id}@shequ-volunteer.cn"
    before = summaries(client.get(world.urls[kind]).data)[uid]
    assert not before.startswith(CANCELLED_PREFIX)

    cancel(world, world.main)
    after = summaries(client.get(world.urls[kind]).data)[uid]
    assert after == CANCELLED_PREFIX + before  # the rest of the title (team, counts) stays as it was
    others = [text for key, text in summaries(client.get(world.urls[kind]).data).items() if key != uid]
    assert not any(text.startswith(CANCELLED_PREFIX) for text in others)


def test_the_single_download_of_a_cancelled_activity_says_so(app, client):
    world = build_world()
    cancel(world, world.main)
    body = client.get(f"/calendar/activities/{world.main.id}.ics").data
    (summary,) = summaries(body).values()
    assert summary == f"{CANCELLED_PREFIX}敬老院义剪（夕阳红志愿服务队）"
    assert b"STATUS:CANCELLED" in body
