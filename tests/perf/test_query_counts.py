"""The number of SQL statements a page costs does not grow with the data."""
from datetime import timedelta

import pytest

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities import services
from shequ_volunteer.activities.models import Signup
from shequ_volunteer.extensions import db
from shequ_volunteer.teams.models import Team
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


def add_history(world, resident_id: int, activities: int) -> None:
    """`activities` past activities of the world's team over two years, each with the resident signed up (one of
    them ended only an hour ago, so the home page's list walks past it)."""
    team = db.session.get(Team, world[1])
    for number in range(activities):
        past = f.activity(team, title=f"往期{number}", capacity=None,
                          starts_in=-timedelta(hours=3) - timedelta(days=730 * number // activities))
        db.session.add(Signup(activity_id=past.id, user_id=resident_id))
    db.session.commit()


@pytest.mark.parametrize("viewer", ["leader", "resident"])
def test_queries_do_not_grow_with_history(app, viewer):
    """Two years of past activities and sign-ups cost the pages not one statement more."""
    world = build(20)
    who_id, resident_id = (world[2] if viewer == "leader" else world[3]).id, world[3].id
    recent = statements_per_page(app.test_client(), world, db.session.get(User, who_id))
    add_history(world, resident_id, 200)
    years = statements_per_page(app.test_client(), world, db.session.get(User, who_id))
    print(f"statements per page ({viewer}): no history {recent}, two years {years}")
    assert recent == years
