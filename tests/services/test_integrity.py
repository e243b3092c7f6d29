"""The database's own refusals: a violation of a registered constraint reaches the caller as the Refused
the check before it gives (database.py, the one place), on SQLite and PostgreSQL alike; others stay errors."""
from __future__ import annotations

import pytest
from sqlalchemy.exc import IntegrityError

from shequ_volunteer.accounts.models import PHONE_HAS_ACCOUNT, User
from shequ_volunteer.activities.models import Signup
from shequ_volunteer.decisions import decide_pending
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import PAIRING_EXISTS, Pairing, PairingHelper
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams.models import MEMBER_PENDING, Membership
from shequ_volunteer.timeutil import utcnow
from tests import factories as f


def refused_by_flush(row) -> Refused:
    db.session.add(row)
    with pytest.raises(Refused) as refused:
        db.session.flush()
    db.session.rollback()
    return refused.value


def test_a_second_open_helper_row_is_the_helpers_refusal(app):
    home = f.community()
    helper = f.user(home, name="甲")
    pairing = f.pairing(f.household(home), f.staff(home), helpers=[helper])
    refusal = refused_by_flush(PairingHelper(pairing_id=pairing.id, user_id=helper.id, starts_on=f.beijing_today()))
    assert (refusal.message, refusal.field) == ("这位志愿者已经在这个结对里了", "helper_phones")
    # An ended row does not count: the handover's history stays as it was.
    db.session.add(PairingHelper(pairing_id=pairing.id, user_id=helper.id, starts_on=f.days_ago(30).date(),
                                 ends_on=f.days_ago(10).date()))
    db.session.commit()


def test_a_second_open_pairing_is_the_pairings_refusal(app):
    home = f.community()
    staff = f.staff(home)
    household = f.household(home)
    f.pairing(household, staff, helpers=[f.user(home, name="甲")])
    refusal = refused_by_flush(Pairing(household_id=household.id, reason="又一次", starts_on=f.beijing_today(),
                                       created_by_id=staff.id, created_at=utcnow()))
    assert (refusal.message, refusal.field) == (PAIRING_EXISTS, "helper_phones")


def test_a_taken_phone_is_the_phones_refusal(app):
    home = f.community()
    taken = f.user(home, name="甲")
    refusal = refused_by_flush(User(phone=taken.phone, name="乙", password_hash="", community_id=home.id))
    assert (refusal.message, refusal.field) == (PHONE_HAS_ACCOUNT, "phone")


def test_a_constraint_nobody_registered_stays_an_error(app):
    home = f.community()
    activity = f.activity(f.team(home))
    person = f.user(home, name="甲")
    f.signup(activity, person)
    db.session.add(Signup(activity_id=activity.id, user_id=person.id))
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()


def test_a_pending_item_is_decided_once(app):
    home = f.community()
    team = f.team(home)
    application = Membership(team_id=team.id, user_id=f.user(home, name="甲").id, status=MEMBER_PENDING)
    db.session.add(application)
    db.session.commit()
    stale = Membership(id=application.id, status=MEMBER_PENDING)  # what a second request read before the first
    decide_pending(Membership, application, True, None, utcnow(), "已经处理过了")
    with pytest.raises(Refused, match="已经处理过了"):
        decide_pending(Membership, stale, False, None, utcnow(), "已经处理过了")
    db.session.commit()
    db.session.refresh(application)
    assert application.status == "approved"
