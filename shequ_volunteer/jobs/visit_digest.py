"""visits_due_digest: once a Beijing day, each helper hears how many of the households they help are due (this week)
or overdue for a visit — 楼栋 and due date only. A household paired with a whole team and no helper of its own is
the team's leaders' to arrange, so they hear of it in their digest (one a day, whatever else it lists). A household
that neither a helper nor a leader would hear of (a team with no leader, helpers whose accounts were stopped) goes to
its community's staff, so no due visit is told to nobody. Due and overdue are pairing.rules.next_due, through the
board's own query (the board and 我的结对 show the same states), so the statements read do not grow with the
households."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from ..messages.kinds import VISITS_DUE_DIGEST
from ..messages.services import staff_by_community
from ..pairing import queries as pairing_queries
from ..pairing.rules import VisitState
from ..teams.queries import leader_ids_by_team
from . import texts
from .claims import Delivery, Outgoing, reachable, site_path

NEEDS_VISIT = (VisitState.DUE, VisitState.OVERDUE)
# When one person hears of households in more than one way, the digest closes with the widest ask.
ASKED_ORDER = ("helper", "leader", "staff")


def plan(today: date, now: datetime) -> list[Delivery]:
    """One digest per person with at least one household due or overdue — as its helper, as a leader of the team
    it is paired with when it has no helper, or as staff of its community when none of those can be reached; none
    for those with none. Leaders and staff are sent to the board (where they see the pairings), a helper to
    我的结对."""
    rows = pairing_queries.board_rows(pairing_queries.digest_scope(), now)
    needing = [row for row in sorted(rows, key=pairing_queries.urgency) if row.due.state in NEEDS_VISIT]
    leaders = leader_ids_by_team(row.pairing.team_id for row in needing if not row.helpers and row.pairing.team_id)
    asked: list[tuple[pairing_queries.BoardRow, str, tuple[int, ...]]] = []
    for row in needing:
        if row.helpers:
            asked.append((row, "helper", tuple(user_id for user_id, _name in row.helpers)))
        else:
            asked.append((row, "leader", tuple(leaders.get(row.pairing.team_id, ()))))
    reached = reachable(user_id for _row, _as, user_ids in asked for user_id in user_ids)
    unheard = [row for row, _as, user_ids in asked if not reached.intersection(user_ids)]
    staff = staff_by_community(row.household.community_id for row in unheard)
    asked += [(row, "staff", tuple(staff.get(row.household.community_id, ()))) for row in unheard]
    reached |= {user_id for user_ids in staff.values() for user_id in user_ids}  # staff_by_community: current only

    due_by_person: dict[int, list[pairing_queries.BoardRow]] = defaultdict(list)
    asked_as: dict[int, str] = {}
    for row, role, user_ids in asked:
        for user_id in user_ids:
            if user_id in reached:  # a row goes to staff only when none of its helpers or leaders is reached
                due_by_person[user_id].append(row)
                asked_as[user_id] = max(asked_as.get(user_id, role), role, key=ASKED_ORDER.index)
    mine, board = site_path("pairing.mine"), site_path("pairing.board")
    deliveries = []
    for user_id in sorted(due_by_person):
        rows_for_person = sorted(due_by_person[user_id], key=pairing_queries.urgency)
        visits = [texts.DueVisit(row.household.place_label, row.due.due_on, row.due.state == VisitState.OVERDUE)
                  for row in rows_for_person]
        role = asked_as[user_id]
        deliveries.append(Delivery(VISITS_DUE_DIGEST, f"user:{user_id}", today,
                                   (Outgoing((user_id,), *texts.visits_digest(visits, asked_as=role),
                                             mine if role == "helper" else board),)))
    return deliveries
