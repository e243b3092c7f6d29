"""The real app plus deliberately naive routes (a sign-up, a pairing), for the race tests only.

The naive route checks the count and then inserts, in separate transactions, the
way code does when it trusts a Python-side check. The race test must catch it
overbooking; that is what proves the test can fail.
"""
from __future__ import annotations

import time

from flask import Blueprint, redirect, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import func, select

from shequ_volunteer import create_app
from shequ_volunteer.accounts.models import User
from shequ_volunteer.activities.models import SIGNUP_CONFIRMED, Activity, Signup
from shequ_volunteer.database import begin_write_transaction
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper
from shequ_volunteer.pairing.services import active_pairing
from shequ_volunteer.timeutil import local_today, utcnow

naive = Blueprint("naive", __name__)


@naive.post("/naive/activities/<int:activity_id>/signup")
@login_required
def naive_signup(activity_id: int):
    activity = db.get_or_404(Activity, activity_id)
    taken = db.session.scalar(
        select(func.count()).select_from(Signup).where(
            Signup.activity_id == activity_id, Signup.status == SIGNUP_CONFIRMED
        )
    )
    if activity.capacity is not None and taken >= activity.capacity:
        return "已满", 409
    user_id = current_user.id
    db.session.commit()  # the check and the write are separate transactions
    time.sleep(0.02)  # the gap real work (validation, a notification) leaves between them
    begin_write_transaction()  # naive in its check, not in SQLite's locking (see naive_pairing)
    now = utcnow()
    db.session.add(Signup(activity_id=activity_id, user_id=user_id, created_at=now, updated_at=now))
    db.session.commit()
    return redirect(url_for("activities.detail", activity_id=activity_id), code=303)




@naive.post("/naive/households/<int:household_id>/pairings")
@login_required
def naive_pairing(household_id: int):
    """Pairing as it was before the household lock: the check and the write apart, as two transactions."""
    db.get_or_404(Household, household_id)  # 404 for a household that is not there
    today = local_today(utcnow())
    if active_pairing(household_id, today) is not None:
        return "这户已有正在进行的结对", 422
    helper = db.session.scalar(select(User).where(User.phone == request.form["helper_phone"]))
    user_id = current_user.id
    db.session.commit()
    time.sleep(0.2)  # wide enough for 8 requests spread by a busy 2-core machine to all pass the check
    # The write begins as one, as every POST of the real app does. A deferred transaction that read first
    # (say, reloading the household expired by the commit) is refused SQLite's upgrade to a write once
    # another racer has committed ('database is locked', at once): SQLite would then serialise the naive
    # route itself and the control would fail for the wrong reason.
    begin_write_transaction()
    # Each pairing ends on the day it starts, so the open-pairing index (the database's own backstop)
    # cannot stop the copies: what is left to catch them is the row count.
    pairing = Pairing(household_id=household_id, reason="naive", starts_on=today, ends_on=today,
                      created_by_id=user_id, created_at=utcnow())
    db.session.add(pairing)
    db.session.flush()
    db.session.add(PairingHelper(pairing_id=pairing.id, user_id=helper.id, starts_on=today))
    db.session.commit()
    return redirect(url_for("pairing.household", household_id=household_id), code=303)


app = create_app()
app.register_blueprint(naive)
