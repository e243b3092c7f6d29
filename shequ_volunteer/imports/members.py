"""队伍成员: a phone joins a team of the community as an approved member (a leader when the list says so). A
phone new to the site is first registered on their behalf under the row's name."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select, update

from ..accounts.actor import Actor
from ..accounts.services import on_behalf, register_many_on_behalf
from ..extensions import db
from ..figure_marks import figures_touched
from ..teams import services as teams
from ..teams.models import MEMBER_APPROVED, ROLE_LEADER, ROLE_MEMBER, STATUS_LABELS, Membership, Team
from . import people
from .plan import Change, ImportPlan, Planned, Row, problem

KEY_FIELD = "phone"
NO_TEAM = "队伍不存在（本社区没有叫“{}”的队伍）"
NAME_NEEDED = "网站上还没有这个手机号，请填写姓名"


def team_key(name: str) -> str:
    """Team names compared as a clerk would: spaces ignored."""
    return "".join(name.split())


def key(values: dict) -> tuple:
    return team_key(values["team"]), values["phone"]


def lock_teams(community_id: int) -> None:
    """Serialise with every other membership change of the community's teams (they lock the team's row)."""
    db.session.execute(select(Team.id).where(Team.community_id == community_id).with_for_update(key_share=True))


def plan(plan: ImportPlan, rows: list[Row], community_id: int, now: datetime) -> None:
    teams_by_name = {team_key(team.name): team for team in db.session.scalars(
        select(Team).where(Team.community_id == community_id))}
    found = people.people_by_phone(row.values["phone"] for row in rows)
    memberships = _memberships([team.id for team in teams_by_name.values()],
                               [person.id for person in found.values()])
    new_people: dict[str, dict] = {}
    adds, approvals, leaders = [], [], []
    for row in rows:
        values = row.values
        team = teams_by_name.get(team_key(values["team"]))
        if team is None:
            problem(plan, row, "team", NO_TEAM.format(values["team"]))
            continue
        person = found.get(values["phone"])
        name = person.name if person else values.get("name") or new_people.get(values["phone"], {}).get("name", "")
        if person is not None and people.refusal(person, community_id):
            problem(plan, row, "phone", people.refusal(person, community_id))
            continue
        if person is None and not name:
            problem(plan, row, "name" if "name" in plan.mapping.values() else "phone", NAME_NEEDED)
            continue
        leader = values.get("leader")
        membership = memberships.get((team.id, person.id)) if person else None
        if membership is None:
            if person is None:
                new_people.setdefault(values["phone"], on_behalf(values["phone"], name, community_id, now))
            plan.creates.append(Planned(row.number, name, (Change("队伍", "", team.name),
                                                           Change("身份", "", "队长" if leader else "队员"))))
            adds.append((team, values["phone"], bool(leader)))
            continue
        membership_id, status, role = membership
        becomes_leader = (role == ROLE_LEADER) if leader is None else leader
        changes = []
        if status != MEMBER_APPROVED:
            changes.append(Change("状态", STATUS_LABELS[status], "队员"))
            approvals.append(membership_id)
        if becomes_leader != (role == ROLE_LEADER and status == MEMBER_APPROVED):
            changes.append(Change("队长", "是" if role == ROLE_LEADER else "否", "是" if becomes_leader else "否"))
            leaders.append((team, values["phone"], becomes_leader))
        if changes:
            plan.updates.append(Planned(row.number, f"{name}（{team.name}）", tuple(changes)))
        else:
            plan.unchanged += 1
    plan.work = {"new_people": list(new_people.values()), "adds": adds, "approvals": approvals, "leaders": leaders}


def _memberships(team_ids: list[int], user_ids: list[int]) -> dict[tuple[int, int], tuple[int, str, str]]:
    """(team, person) → (id, status, role) for every membership row of these teams and people."""
    found = {}
    if not team_ids:
        return found
    for part in people.chunks(user_ids):
        for row in db.session.execute(select(Membership.id, Membership.team_id, Membership.user_id,
                                             Membership.status, Membership.role)
                                      .where(Membership.team_id.in_(team_ids), Membership.user_id.in_(part))):
            found[(row.team_id, row.user_id)] = (row.id, row.status, row.role)
    return found


def write(plan: ImportPlan, actor: Actor, community_id: int, now: datetime) -> tuple[int, int, str]:
    """New people, new memberships and approvals in batches; each leader appointed or removed through the
    teams service (its own audit row: a leader is an appointment). (created, updated, a note for the audit)"""
    work = plan.work
    ids = register_many_on_behalf(work["new_people"], now)
    ids.update({phone: person.id for phone, person in people.people_by_phone(
        phone for _team, phone, _leader in work["adds"] if phone not in ids).items()})
    decided = {"status": MEMBER_APPROVED, "decided_at": now, "decided_by_id": actor.user_id}
    if work["adds"]:
        db.session.execute(insert(Membership), [
            {"team_id": team.id, "user_id": ids[phone], "role": ROLE_MEMBER, "created_at": now, **decided}
            for team, phone, _leader in work["adds"]])
    figures_touched(members=[(team.id, ids[phone]) for team, phone, _leader in work["adds"]])
    if work["approvals"]:  # applications waiting, people who had left or been removed
        figures_touched(members=db.session.execute(select(Membership.team_id, Membership.user_id)
                                                   .where(Membership.id.in_(work["approvals"]))))
        db.session.execute(update(Membership), [{"id": membership_id, "role": ROLE_MEMBER, **decided}
                                                for membership_id in work["approvals"]])
    for team, phone, make_leader in [*((t, p, True) for t, p, lead in work["adds"] if lead), *work["leaders"]]:
        teams.set_leader(actor, team, phone, make_leader, now)
    updated = len({row.row for row in plan.updates})
    note = f"，其中新登记{len(work['new_people'])}人" if work["new_people"] else ""
    return len(work["adds"]), updated, note
