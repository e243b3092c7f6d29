"""visits_due_digest: once a Beijing day, each helper hears how many of the households they help are due (this week)
or overdue for a visit — 楼栋 and due date only. A household paired with a whole team and no helper of its own is
the team's leaders' to arrange, so they hear of it in their digest (one a day, whatever else it lists). Due and
overdue are pairing.rules.next_due, through the board's own query (the board and 我的结对 show the same states), so
the statements read do not grow with the households."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from ..messages.kinds import VISITS_DUE_DIGEST
from ..pairing import queries as pairing_queries
from ..pairing.rules import VisitState
from ..teams.queries import leader_ids_by_team
from . import texts
from .claims import Delivery, Outgoing, reachable, site_path

NEEDS_VISIT = (VisitState.DUE, VisitState.OVERDUE)


def plan(today: date, now: datetime) -> list[Delivery]:
    """One digest per person with at least one household due or overdue — as its helper, or as a leader of the team
    it is paired with when it has no helper; none for those with none. A leader who hears of their team's households
    is sent to the board (where leaders see their teams' pairings), a helper to 我的结对."""
    rows = pairing_queries.board_rows(pairing_queries.digest_scope(today), now)
    needing = [row for row in sorted(rows, key=pairing_queries.urgency) if row.due.state in NEEDS_VISIT]
    leaders = leader_ids_by_team(row.pairing.team_id for row in needing if not row.helpers and row.pairing.team_id)
    due_by_person: dict[int, list[pairing_queries.BoardRow]] = defaultdict(list)
    as_leader: set[int] = set()
    for row in needing:
        if row.helpers:
            for user_id, _name in row.helpers:
                due_by_person[user_id].append(row)
        else:
            for user_id in leaders.get(row.pairing.team_id, ()):
                due_by_person[user_id].append(row)
                as_leader.add(user_id)
    reached = reachable(due_by_person)
    mine, board = site_path("pairing.mine"), site_path("pairing.board")
    deliveries = []
    for user_id in sorted(reached):
        visits = [texts.DueVisit(row.household.place_label, row.due.due_on, row.due.state == VisitState.OVERDUE)
                  for row in due_by_person[user_id]]
        deliveries.append(Delivery(VISITS_DUE_DIGEST, f"user:{user_id}", today,
                                   (Outgoing((user_id,), *texts.visits_digest(visits, for_leader=user_id in as_leader),
                                             board if user_id in as_leader else mine),)))
    return deliveries
