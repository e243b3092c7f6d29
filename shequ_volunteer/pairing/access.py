"""Who may see a household: staff of its community, its current helpers, the leader of a
paired team. Everyone else gets 404, and every view is written to the access log."""
from __future__ import annotations

from datetime import date, datetime

from flask import abort
from sqlalchemy import func, insert, select

from ..accounts.actor import Actor
from ..extensions import db
from .models import Household, HouseholdAccess, Pairing, PairingHelper, active_on
from .queries import helper_scope


def current_helper_ids(household_id: int, today: date) -> set[int]:
    return set(db.session.scalars(
        select(PairingHelper.user_id).join(Pairing, Pairing.id == PairingHelper.pairing_id)
        .where(Pairing.household_id == household_id, active_on(Pairing, today), active_on(PairingHelper, today))
    ))


def helps_now(user_id: int, today: date) -> bool:
    """Whether the person is a current helper of any household (their 结对 messages can reach them)."""
    return db.session.scalar(select(Pairing.id).where(helper_scope(user_id, today), active_on(Pairing, today))
                             .limit(1)) is not None


def helper_since(household_id: int, user_id: int, today: date) -> date | None:
    """When this person's current turn as the household's helper began (None: not a helper now)."""
    return db.session.scalar(
        select(func.min(PairingHelper.starts_on)).join(Pairing, Pairing.id == PairingHelper.pairing_id)
        .where(Pairing.household_id == household_id, PairingHelper.user_id == user_id, active_on(Pairing, today),
               active_on(PairingHelper, today))
    )


def paired_team_ids(household_id: int, today: date) -> set[int]:
    return set(db.session.scalars(
        select(Pairing.team_id).where(Pairing.household_id == household_id, Pairing.team_id.is_not(None),
                                      active_on(Pairing, today))
    ))


def may_see(actor: Actor, household: Household, today: date) -> bool:
    if not actor.is_authenticated:
        return False
    if actor.can_manage_community(household.community_id):
        return True
    if actor.user_id in current_helper_ids(household.id, today):
        return True
    return bool(actor.leader_team_ids & paired_team_ids(household.id, today))


def visible_household(actor: Actor, household_id: int, now: datetime, today: date, action: str = "view") -> Household:
    """The household if the actor may see it (and the access is logged), else 404."""
    household = db.session.get(Household, household_id)
    if household is None or not may_see(actor, household, today):
        abort(404)
    log_access(actor, household.id, action, now)
    return household


def log_access(actor: Actor, household_id: int, action: str, now: datetime) -> None:
    log_accesses(actor, [household_id], action, now)


def log_accesses(actor: Actor, household_ids, action: str, now: datetime) -> None:
    """One access-log row per household, in one batched INSERT (an export shows many at once)."""
    rows = [{"household_id": household_id, "user_id": actor.user_id, "action": action, "at": now}
            for household_id in household_ids]
    if rows:
        db.session.execute(insert(HouseholdAccess), rows)


def helpers_households(user_id: int, today: date) -> list[tuple[Household, Pairing]]:
    """我的结对: the households a person currently helps."""
    return list(db.session.execute(
        select(Household, Pairing).join(Pairing, Pairing.household_id == Household.id)
        .join(PairingHelper, PairingHelper.pairing_id == Pairing.id)
        .where(PairingHelper.user_id == user_id, active_on(Pairing, today), active_on(PairingHelper, today))
        .order_by(Household.id)
    ))
