"""The statistics page and the 街道 roll-up cost the same number of SQL statements with a few days of history as
with two years of it, and a write pays a few statements for keeping the figures (counted here)."""
from datetime import timedelta

from sqlalchemy import event

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import ROLE_VIEWER
from shequ_volunteer.activities import services as activities
from shequ_volunteer.activities.models import Activity, Signup
from shequ_volunteer.communities.models import Street
from shequ_volunteer.extensions import db
from shequ_volunteer.reports import kept_upkeep
from shequ_volunteer.timeutil import local_date, local_midnight, local_today, utcnow
from tests import factories as f
from tests.conftest import wipe
from tests.support.module_app import one_commit
from tests.support.statements import counting_statements


def build(days: int):
    """Two communities of one 街道, each with two teams holding an activity every `days // 12` days over `days`
    days behind today, with sign-ups and visits; a staff member and a 街道 viewer."""
    now = utcnow()
    with one_commit():
        street = Street(name="东湖街道")
        db.session.add(street)
        db.session.flush()
        homes = [f.community("幸福里社区"), f.community("光明社区")]
        for home in homes:
            home.street_id = street.id
        staff, viewer = f.staff(homes[0]), f.user(homes[0], "街道刘科长", role=ROLE_VIEWER)
        people = [f.user(homes[0], f"居民{number}") for number in range(6)]
        for home in homes:
            household = f.household(home)
            pairing = f.pairing(household, staff, helpers=people[:1])
            for team in (f.team(home, "青年队"), f.team(home, "党员队")):
                for back in range(0, days, max(1, days // 12)):
                    starts_at = now - timedelta(days=back, hours=3)
                    activity = Activity(team_id=team.id, title="活动", place="活动室", starts_at=starts_at,
                                        ends_at=starts_at + timedelta(hours=2))
                    db.session.add(activity)
                    db.session.flush()
                    db.session.add_all([Signup(activity_id=activity.id, user_id=person.id, attendance="present")
                                        for person in people[back % 3:]])
                    f.visit(pairing, people[0], starts_at)
    return staff, viewer


def statements_per_page(app, staff, viewer) -> dict[str, int]:
    year = local_today(utcnow()).year
    pages = {"year": (staff, f"/reports?kind=year&value={year}"),
             "last year": (staff, f"/reports?kind=year&value={year - 1}"),
             "as of today": (staff, f"/reports?kind=asof&value={local_today(utcnow())}"),
             "street": (viewer, f"/reports/street?kind=year&value={year}")}
    clients = {who.id: f.logged_in(app, who, through_form=False) for who in (staff, viewer)}
    counts = {}
    for name, (who, url) in pages.items():
        db.session.remove()
        with counting_statements() as statements:
            response = clients[who.id].get(url)
        assert response.status_code == 200, name
        counts[name] = len(statements)
    return counts


def test_report_statements_do_not_grow_with_history(app):
    short = statements_per_page(app, *build(12))
    wipe(app)
    long = statements_per_page(app, *build(700))
    assert long == short




def sign_up_statements(took_part_that_day: bool = False) -> int:
    """The statements of one sign-up through the service, commit included. `took_part_that_day`: the person is
    already signed up for another activity earlier that Beijing day, so the sign-up moves none of their first days."""
    home = f.community()
    team = f.team(home)
    person = f.user(home, "居民")
    activity = f.activity(team, capacity=None)
    if took_part_that_day:
        earlier = f.activity(team, capacity=None, starts_in=timedelta(0),
                             now=local_midnight(local_date(activity.starts_at)))
        db.session.add(Signup(activity_id=earlier.id, user_id=person.id))
    db.session.commit()
    with counting_statements() as statements:
        activities.sign_up(actor_for(person), activity, utcnow())
        db.session.commit()
    return len(statements)


def test_a_sign_up_pays_a_few_statements_for_the_kept_figures(app, db_kind):
    with_keeping = sign_up_statements()
    wipe(app)
    known = sign_up_statements(took_part_that_day=True)
    wipe(app)
    event.remove(db.session, "after_flush", kept_upkeep._note_changes)
    event.remove(db.session, "before_commit", kept_upkeep._keep_at_commit)
    try:
        without = sign_up_statements()
    finally:
        kept_upkeep.keep_at_commit()
    # The activity's team and day (1); the advisory locks of the community (shared), the day and the person
    # (PostgreSQL, 1); the day recounted, cleared and written (3); the person's first days, kept and recounted (1).
    # Only a person whose first day moves then pays: their rows written (1: a newcomer had none to clear), the lock of
    # that day's count of people (PostgreSQL, 1), and that count recounted, cleared and written (3).
    assert known - without == (6 if db_kind == "postgresql" else 5)
    assert with_keeping - without == (11 if db_kind == "postgresql" else 9)
