"""The number of SQL statements a page costs does not grow with the data."""

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.statements import counting_statements


def build(rows: int):
    """A community with `rows` activities, members and sign-ups for the first activity."""
    home = f.community()
    team = f.team(home)
    leader = f.user(home, name="李队长")
    f.member(team, leader, leader=True)
    people = [f.user(home, name=f"居民{i}") for i in range(rows)]
    for person in people:
        f.member(team, person)
    activities = [f.activity(team, title=f"活动{i}", capacity=None) for i in range(rows)]
    for person in people:
        services.sign_up(actor_for(person), activities[0], utcnow())
    for activity in activities[1:]:
        services.sign_up(actor_for(people[0]), activity, utcnow())
    db.session.commit()
    return home.id, team.id, leader, people[0], activities[0].id


PAGES = [
    ("list", lambda w: "/"),
    ("activity", lambda w: f"/activities/{w[4]}"),
    ("team", lambda w: f"/teams/{w[1]}"),
    ("community feed", lambda w: f"/calendar/community/{w[0]}.ics"),
    ("team feed", lambda w: f"/calendar/teams/{w[1]}.ics"),
    ("my activities", lambda w: "/me/activities"),
]


def statements_per_page(client, world, who) -> dict[str, int]:
    f.login(client, who)
    urls = [(name, url(world)) for name, url in PAGES]
    counts = {}
    for name, url in urls:
        db.session.remove()  # a fresh session per request, like a real worker
        with counting_statements() as statements:
            response = client.get(url)
        assert response.status_code == 200, name
        counts[name] = len(statements)
    return counts


@pytest.mark.parametrize("viewer", ["leader", "resident"])
def test_queries_do_not_grow_with_rows(app, viewer):
    small_world = build(20)
    small = statements_per_page(app.test_client(), small_world,
                                small_world[2] if viewer == "leader" else small_world[3])
    from tests.conftest import wipe

    wipe(app)
    large_world = build(200)
    large = statements_per_page(app.test_client(), large_world,
                                large_world[2] if viewer == "leader" else large_world[3])
    print(f"statements per page ({viewer}): 20 rows {small}, 200 rows {large}")
    assert small == large
    # The team page: 8, one for its live 公告, and one for the menu's unread count (我的消息, signed in).
    assert max(large.values()) <= 10, large
