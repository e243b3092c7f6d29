"""The demo seed (bin/run-demo) builds what the README promises, on both databases."""
from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.communities.models import Community
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Visit
from shequ_volunteer.pairing.queries import board, community_scope
from shequ_volunteer.timeutil import utcnow


def test_seed_demo_builds_two_communities_logins_and_pairings(app, runner):
    result = runner.invoke(args=["seed-demo", "--residents", "30", "--activities", "12", "--households", "8",
                                 "--visits", "60"])
    assert result.exit_code == 0, result.output
    for phone in ("13800000001", "13800000002", "13800000003", "13700000001"):
        assert phone in result.output
    db.session.rollback()
    names = list(db.session.scalars(select(Community.name).order_by(Community.id)))
    assert names == ["幸福里社区", "光明社区"]
    assert len({street for street in db.session.scalars(select(Community.street_id))}) == 1
    staff = db.session.scalar(select(User).where(User.phone == "13800000001"))
    assert staff.is_staff and db.session.scalar(select(User.role).where(User.phone == "13700000001")) == "viewer"
    assert db.session.scalar(select(func.count()).select_from(Household)) >= 8
    assert db.session.scalar(select(func.count()).select_from(Visit)) > 0
    assert len(board(community_scope(staff.community_id), utcnow()).rows) >= 8
    again = runner.invoke(args=["seed-demo", "--if-empty"])
    assert again.exit_code == 0 and "跳过" in again.output


def test_the_demo_has_an_administrator_of_its_street(app, runner):
    result = runner.invoke(args=["seed-demo", "--residents", "30", "--activities", "12", "--households", "8",
                                 "--visits", "60"])
    assert result.exit_code == 0 and "13600000001" in result.output
    db.session.rollback()
    admin = db.session.scalar(select(User).where(User.phone == "13600000001"))
    street_id = db.session.scalar(select(Community.street_id))
    assert admin.is_admin and admin.community_id is None and admin.street_id == street_id
