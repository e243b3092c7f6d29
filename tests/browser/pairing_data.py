"""Pairing data for the browser tests, built straight in the database (committed)."""
from __future__ import annotations

from datetime import date, timedelta

from shequ_volunteer.extensions import db
from shequ_volunteer.pairing.models import Household, Pairing, PairingHelper, Visit
from shequ_volunteer.timeutil import to_local, utcnow

HOTLINE = "027-8888-1234"


def shanghai_today() -> date:
    return to_local(utcnow()).date()


def paired_household(community, staff, helper, *, head_name: str, building: str = "3", room: str = "201",
                     tier: str = "high", last_visit_days_ago: int | None = 30, paired_days_ago: int = 120,
                     **fields) -> Household:
    """A household paired with `helper` since `paired_days_ago`, last visited `last_visit_days_ago` days ago."""
    today = shanghai_today()
    household = Household(community_id=community.id, head_name=head_name, estate="幸福里小区", building=building,
                          room=room, tier=tier, categories="empty_nest", **fields)
    db.session.add(household)
    db.session.flush()
    starts_on = today - timedelta(days=paired_days_ago)
    pairing = Pairing(household_id=household.id, reason="独居高龄，子女在外地", starts_on=starts_on,
                      created_by_id=staff.id)
    db.session.add(pairing)
    db.session.flush()
    db.session.add(PairingHelper(pairing_id=pairing.id, user_id=helper.id, starts_on=starts_on))
    if last_visit_days_ago is not None:
        visited_at = (utcnow() - timedelta(days=last_visit_days_ago)).replace(microsecond=0)
        db.session.add(Visit(household_id=household.id, pairing_id=pairing.id, visitor_id=helper.id, way="home",
                             visited_on=to_local(visited_at).date(), visited_at=visited_at, duration_minutes=30))
    db.session.commit()
    return household
