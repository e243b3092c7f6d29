"""居民/志愿者: matched by phone within the community; a new phone is a resident registered on their behalf
(no login until staff open the account), an existing one gains what the list adds about them."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from ..accounts.actor import Actor
from ..accounts.models import User
from ..accounts.services import on_behalf, register_many_on_behalf
from ..extensions import db
from ..feed_versions.services import feeds_changed
from . import people
from .plan import ImportPlan, Planned, Row, problem

KEY_FIELD = "phone"


def key(values: dict) -> str:
    return values["phone"]


def plan(plan: ImportPlan, rows: list[Row], community_id: int, now: datetime) -> None:
    found = people.people_by_phone(row.values["phone"] for row in rows)
    new, changed = [], []
    for row in rows:
        values = row.values
        person = found.get(values["phone"])
        if person is None:
            details = {name: values.get(name, blank) for name, blank in people.BLANK.items()}
            plan.creates.append(Planned(row.number, values["name"],
                                        people.described(None, {"name": values["name"], **details})))
            new.append(on_behalf(values["phone"], values["name"], community_id, now, **details))
            continue
        refusal = people.refusal(person, community_id)
        if refusal:
            problem(plan, row, "phone", refusal)
            continue
        change = people.changes(person, values)
        if not change:
            plan.unchanged += 1
            continue
        plan.updates.append(Planned(row.number, person.name, people.described(person, change)))
        changed.append({"id": person.id, **change})
    plan.work = {"new": new, "changed": changed}


def write(plan: ImportPlan, actor: Actor, community_id: int, now: datetime) -> tuple[int, int, str]:
    """Insert the new people and update the changed ones in batches; (created, updated, a note for the audit)."""
    register_many_on_behalf(plan.work["new"], now)
    if plan.work["changed"]:
        db.session.execute(update(User), plan.work["changed"])
        # 我的日程 is called after its owner.
        feeds_changed(now, people=[values["id"] for values in plan.work["changed"] if "name" in values])
    return len(plan.work["new"]), len(plan.work["changed"]), ""
