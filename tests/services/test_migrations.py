"""The schema built by the migrations is the schema the models describe."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from shequ_volunteer.extensions import db


# SQLite cannot reflect an index on an expression (figure_days' coalesce(team_id, 0)); PostgreSQL can, and compares it.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_migrated_schema_matches_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    assert differences == []


def test_capacity_guard_is_in_the_database(app):
    """The CHECK constraint exists in the migrated schema, not only in the model."""
    checks = inspect(db.engine).get_check_constraints("activities")
    texts = " ".join(c["sqltext"] for c in checks)
    assert "seats_taken <= capacity" in texts


def test_sqlite_tables_others_refer_to_can_be_changed_with_their_rows(tmp_path):
    """SQLite rebuilds a changed table (copy, drop, rename); with foreign keys on, dropping `users` while
    sign-ups and memberships refer to it fails. migrations/env.py turns them off for the migration and
    checks every reference afterwards."""
    from flask_migrate import upgrade
    from sqlalchemy import text

    from tests.conftest import make_app

    app = make_app(f"sqlite:///{tmp_path / 'populated.db'}")
    with app.app_context():
        upgrade(revision="b9a2439d31a7")  # the audit table, before users gained the administrator
        with db.engine.begin() as conn:
            conn.execute(text("INSERT INTO communities (id, name, hotline) VALUES (1, '幸福里社区', '')"))
            conn.execute(text("INSERT INTO users (id, community_id, phone, name, password_hash, role, created_at) "
                              "VALUES (1, 1, '13800000001', '王芳', 'x', 'staff', '2026-11-01 00:00:00')"))
            conn.execute(text("INSERT INTO teams (id, community_id, name, kind, description, created_at, updated_at)"
                              " VALUES (1, 1, '青年志愿服务队', 'youth', '', '2026-11-01', '2026-11-01')"))
            conn.execute(text("INSERT INTO memberships (team_id, user_id, status, role, created_at) "
                              "VALUES (1, 1, 'approved', 'leader', '2026-11-01 00:00:00')"))
        upgrade()
        with db.engine.connect() as conn:
            assert conn.execute(text("SELECT name, role, community_id, street_id FROM users")).all() == [
                ("王芳", "staff", 1, None)]
            assert conn.execute(text("SELECT count(*) FROM memberships")).scalar() == 1
            assert conn.execute(text("PRAGMA foreign_key_check")).all() == []
            assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.engine.dispose()


KEPT_SCHEDULES = "8e3b5d2c7a41"  # the board reads kept visit schedules


def test_the_kept_visit_schedules_are_filled_from_the_records(empty_database):
    """A database from before the board kept them: the migration fills each household's latest visit and major
    change and each pairing's due date exactly as pairing.schedules.refresh writes them."""
    from datetime import timedelta

    from flask_migrate import downgrade, upgrade

    from shequ_volunteer.accounts.actor import actor_for
    from shequ_volunteer.pairing import services
    from shequ_volunteer.pairing.models import Household, Pairing
    from shequ_volunteer.timeutil import utcnow
    from tests import factories as f
    from tests.conftest import make_app

    app = make_app(empty_database)
    kept = (Household.id, Household.last_visit_at, Household.last_visit_on, Household.last_visit_logged_at,
            Household.major_change_at)
    with app.app_context():
        upgrade()
        home = f.community()
        staff, helper = f.staff(home), f.user(home, "王志愿")
        now = utcnow()
        visited = f.paired_household(home, staff, helpers=[helper], last_visit=now - timedelta(days=40), tier="key")
        f.visit(services.active_pairing(visited.id, f.beijing_today()), helper, now - timedelta(days=3))
        changed = f.paired_household(home, staff, helpers=[helper], head_name="李奶奶",
                                     last_visit=now - timedelta(days=9))
        services.report_major_change(actor_for(staff), changed, "hospital", "", now - timedelta(hours=5))
        f.paired_household(home, staff, helpers=[helper], head_name="张爷爷", tier="general", visit_interval_days=14)
        f.household(home, head_name="未结对")
        db.session.commit()
        households = db.session.execute(db.select(*kept).order_by(Household.id)).all()
        pairings = db.session.execute(db.select(Pairing.id, Pairing.visit_due_on, Pairing.visit_urgent_by)
                                      .order_by(Pairing.id)).all()
        assert any(row.last_visit_at for row in households) and any(row.visit_urgent_by for row in pairings)
        db.session.remove()
        downgrade(revision=KEPT_SCHEDULES)  # back to the migration (if later ones exist), then to before it
        downgrade(revision="-1")
        upgrade()
        assert db.session.execute(db.select(*kept).order_by(Household.id)).all() == households
        assert db.session.execute(db.select(Pairing.id, Pairing.visit_due_on, Pairing.visit_urgent_by)
                                  .order_by(Pairing.id)).all() == pairings
        db.session.remove()
        db.engine.dispose()


KEPT_FIGURES = "f15a0c3e7b29"  # the report reads kept figures


def test_the_kept_report_figures_are_filled_from_the_records(empty_database):
    """A database from before the report kept its figures: the migration fills figure_days, participant_years
    and participant_days exactly as the app keeps them. It also proves the way back still
    runs with today's models (the migration recounts through reports.kept): a later change that breaks it fails
    here, not in a community's first upgrade."""
    from datetime import datetime

    from flask_migrate import downgrade, upgrade

    from shequ_volunteer.activities.models import Activity, Signup
    from shequ_volunteer.demo.seed import SeedSizes, seed_community
    from shequ_volunteer.reports.kept import rebuild
    from shequ_volunteer.reports.models import FigureDay, ParticipantDay, ParticipantYear
    from tests.conftest import make_app

    app = make_app(empty_database)
    tables = {model: [column for column in model.__table__.columns if column.name != "id"]
              for model in (FigureDay, ParticipantYear, ParticipantDay)}

    def kept_rows():
        return {model: sorted((tuple(row) for row in db.session.execute(db.select(*columns))), key=str)
                for model, columns in tables.items()}

    with app.app_context():
        upgrade()
        # Two years and a half of a small community, seen from a fixed moment: sign-ups, attendance, visits,
        # follow-ups opened and closed, across two new years.
        seed_community(SeedSizes(residents=60, activities=120, days_back=800, days_ahead=30, households=12,
                                 visits=150), now=datetime(2026, 2, 28, 15, 30), seed=15)
        # The demo marks no attendance: every third sign-up of a past activity was there, so hours count too
        # (written past the ORM, as a bulk import would, then recounted as `flask figures rebuild` does).
        past = db.select(Activity.id).where(Activity.starts_at < datetime(2026, 2, 28))
        db.session.execute(db.update(Signup).where(Signup.activity_id.in_(past), Signup.id % 3 == 0)
                           .values(attendance="present"))
        rebuild()
        db.session.commit()
        kept = kept_rows()
        days = kept[FigureDay]
        assert len({row[2].year for row in days}) >= 3 and len(kept[ParticipantYear]) > 60
        assert all(sum(row[3 + position] for row in days) > 0 for position in range(6))  # every column counts
        db.session.remove()
        downgrade(revision=KEPT_FIGURES)  # back to the migration (if later ones exist), then to before it
        downgrade(revision="-1")
        upgrade()
        assert kept_rows() == kept
        db.session.remove()
        db.engine.dispose()


ONE_OFF_SERIES = "a3c5e8d1f207"  # one-off activities leave their one-item series


def test_one_off_activities_leave_the_series_the_form_used_to_give_them(empty_database):
    """Before, 不重复 made a series 一次，共1次: the migration takes such activities out of it and deletes it; a real
    series (even of one date) is kept as it was."""
    from datetime import timedelta

    from flask_migrate import upgrade

    from shequ_volunteer.activities.models import Activity, ActivitySeries
    from tests import factories as f
    from tests.conftest import make_app

    app = make_app(empty_database)
    with app.app_context():
        upgrade(revision=f"{ONE_OFF_SERIES}-1")
        team = f.team(f.community())
        one_off, weekly = (ActivitySeries(team_id=team.id, rule_text=text) for text in ("一次，共1次", "每周六，共1次"))
        db.session.add_all([one_off, weekly])
        db.session.flush()
        alone = f.activity(team, title="义诊", starts_in=timedelta(days=3))
        repeating = f.activity(team, title="太极拳", starts_in=timedelta(days=4))
        alone.series_id, repeating.series_id = one_off.id, weekly.id
        ids = (alone.id, repeating.id, weekly.id)
        db.session.commit()
        db.session.remove()
        upgrade()
        assert db.session.get(Activity, ids[0]).series_id is None
        assert db.session.get(Activity, ids[1]).series_id == ids[2]
        assert db.session.scalars(db.select(ActivitySeries.rule_text)).all() == ["每周六，共1次"]
        db.session.remove()
        db.engine.dispose()
