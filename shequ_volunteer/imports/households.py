"""帮扶对象: matched by address (小区, 楼栋, 室) within the community; a row's helpers by phone pair the household
with them. A row whose helpers cannot be used is a problem as a whole: nothing of it is written."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, or_, select, update

from ..accounts.actor import Actor
from ..extensions import db
from ..feed_versions.services import feeds_changed
from ..pairing import rules as pairing_rules
from ..pairing import schedules
from ..pairing import services as pairing
from ..pairing.access import log_accesses
from ..pairing.models import CATEGORIES, PAIRING_EXISTS, Household, Pairing, PairingHelper, active_on
from ..refusals import Refused
from ..timeutil import local_today
from . import cleaning
from .plan import Change, ImportPlan, Planned, Row, problem, shown

KEY_FIELD = "building"
PAIRING_REASON = "名单导入"
# What a row may set, with the words the preview uses (the register's form fields, minimum data only).
FIELDS = {"head_name": "户主姓名", "grid": "网格", "estate": "小区", "building": "楼栋", "room": "室",
          "members": "家庭成员", "categories": "类别", "tier": "关注等级", "visit_interval_days": "探访间隔天数",
          "contact_name": "联系人", "contact_phone": "联系人电话"}

# Every new row gets every column, so the batched INSERT stays one statement per batch.
BLANK = {name: None if name == "visit_interval_days" else "" for name in FIELDS}


def key(values: dict) -> tuple[str, str, str]:
    """The address a household is known by: 小区, 楼栋, 室 as the register writes them."""
    return ("".join((values.get("estate") or "").split()), cleaning.building(values.get("building")),
            cleaning.room(values.get("room")))


def address(values: dict) -> str:
    estate, building, room = key(values)
    return " ".join(part for part in (estate, f"{building}号楼" if building else "", f"{room}室" if room else "")
                    if part)


def _stored(values: dict) -> dict:
    """A row's values as the households table holds them; blank cells left out."""
    found = {name: values.get(name) for name in FIELDS if values.get(name) not in ("", None, [])}
    if "categories" in found:
        found["categories"] = ",".join(found["categories"])
    return found


def _shown(name: str, value) -> str:
    if name == "categories":
        return "、".join(CATEGORIES[part] for part in (value or "").split(",") if part in CATEGORIES)
    if name == "tier":
        return pairing_rules.TIER_LABELS.get(value, value or "")
    return shown(value)


def plan(plan: ImportPlan, rows: list[Row], community_id: int, now: datetime) -> None:
    today = local_today(now)
    existing = _households_by_address(community_id)
    helpers_found = pairing.current_people_by_phone(
        phone for row in rows for phone in row.values.get("helper_phones") or ())
    matched_ids = [existing[key(row.values)]["id"] for row in rows if key(row.values) in existing]
    paired = _open_pairings(matched_ids, today)
    new, changed, to_pair, changed_helpers = [], [], [], set()
    for row in rows:
        refusal = pairing_rules.address_refusal(False, "", row.values.get("building") or "")
        if refusal:
            problem(plan, row, "building", refusal[0])
            continue
        try:
            helpers = pairing.chosen_helpers(community_id, row.values.get("helper_phones") or [], helpers_found)
        except Refused as refused:
            problem(plan, row, "helper_phones", refused.message)
            continue
        values = _stored(row.values)
        helper_names = Change("结对志愿者", "", "、".join(person.name for person in helpers)) if helpers else None
        household = existing.get(key(row.values))
        if household is None:
            plan.creates.append(Planned(row.number, f"{values['head_name']}（{address(row.values)}）", tuple(
                Change(FIELDS[name], "", _shown(name, value)) for name, value in values.items()
            ) + ((helper_names,) if helper_names else ())))
            new.append((values, helpers))
            continue
        plan.households_shown.append(household["id"])
        pairs = False
        if helpers:
            current = paired.get(household["id"])
            if current is not None and current != {person.id for person in helpers}:
                problem(plan, row, "helper_phones", PAIRING_EXISTS)
                continue
            pairs = current is None
        change = {name: value for name, value in values.items() if value != household[name]}
        if not change and not pairs:
            plan.unchanged += 1
            continue
        plan.updates.append(Planned(row.number, f"{household['head_name']}（{address(household)}）", tuple(
            Change(FIELDS[name], _shown(name, household[name]), _shown(name, value)) for name, value in change.items()
        ) + ((helper_names,) if pairs else ())))
        changed.append({"id": household["id"], **change})
        changed_helpers.update(paired.get(household["id"], ()))
        if pairs:
            to_pair.append((household["id"], helpers))
    plan.work = {"new": new, "changed": changed, "to_pair": to_pair, "changed_helpers": changed_helpers}


def _households_by_address(community_id: int) -> dict[tuple, dict]:
    """The community's households (not those outside it) by address; the oldest when two share one."""
    columns = [getattr(Household, name) for name in FIELDS]
    found: dict[tuple, dict] = {}
    for row in db.session.execute(select(Household.id, *columns).where(
            Household.community_id == community_id, Household.outside_area.is_(False)).order_by(Household.id)):
        values = row._asdict()
        found.setdefault(key(values), values)
    return found


def _open_pairings(household_ids: list[int], today) -> dict[int, set[int]]:
    """Household → its current helpers, for households with a pairing not ended (a team's: no helpers)."""
    found: dict[int, set[int]] = {}
    if not household_ids:
        return found
    helper = (PairingHelper.pairing_id == Pairing.id) & active_on(PairingHelper, today)
    for household_id, user_id in db.session.execute(
            select(Pairing.household_id, PairingHelper.user_id).outerjoin(PairingHelper, helper)
            .where(Pairing.household_id.in_(household_ids), or_(Pairing.ends_on.is_(None), Pairing.ends_on >= today))):
        found.setdefault(household_id, set())
        if user_id is not None:
            found[household_id].add(user_id)
    return found


def write(plan: ImportPlan, actor: Actor, community_id: int, now: datetime) -> tuple[int, int, str]:
    """New households and changes in batches, the pairings through the pairing service, every household written
    in the register's access log. (created, updated, a note for the audit)"""
    work = plan.work
    new_ids: dict[tuple, int] = {}
    if work["new"]:
        # By address, not by order: SQLite would send one INSERT a row to keep RETURNING in the rows' order.
        inserted = db.session.execute(
            insert(Household).returning(Household.id, Household.estate, Household.building, Household.room),
            [{"community_id": community_id, "created_at": now, "updated_at": now, **BLANK, **values}
             for values, _helpers in work["new"]])
        new_ids = {key(row._asdict()): row.id for row in inserted}
    if work["changed"]:
        db.session.execute(update(Household), [{**values, "updated_at": now} for values in work["changed"]])
        # A new tier or interval moves the due dates the board keeps (new households get theirs when paired),
        # and the visit in the helpers' 我的日程 (not its turns: those follow major changes, which an import
        # does not touch).
        schedules.refresh(values["id"] for values in work["changed"])
        feeds_changed(now, people=work["changed_helpers"])
    helpers_of = {new_ids[key(values)]: helpers for values, helpers in work["new"] if helpers}
    helpers_of.update(dict(work["to_pair"]))
    paired = pairing.pair_with_helpers(actor, community_id, helpers_of, PAIRING_REASON, now)
    log_accesses(actor, [*new_ids.values(), *(values["id"] for values in work["changed"])], "import", now)
    return len(new_ids), len(work["changed"]), f"，建立结对{paired}个" if paired else ""
