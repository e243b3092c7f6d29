"""visits_due_digest: once a Beijing day, each helper hears how many of the households they help are due (this week)
or overdue for a visit — 楼栋 and due date only. Due and overdue are pairing.rules.next_due, through the board's own
query (the board and 我的结对 show the same states), so the statements read do not grow with the households."""
from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from ..messages.kinds import VISITS_DUE_DIGEST
from ..pairing import queries as pairing_queries
from ..pairing.rules import VisitState
from . import texts
from .claims import Delivery, Outgoing, reachable, site_path

NEEDS_VISIT = (VisitState.DUE, VisitState.OVERDUE)


def plan(today: date, now: datetime) -> list[Delivery]:
    """One digest per current helper with at least one household due or overdue; none for those with none."""
    rows = pairing_queries.board_rows(pairing_queries.helped_scope(today), now)
    due_by_helper: dict[int, list[pairing_queries.BoardRow]] = defaultdict(list)
    for row in sorted(rows, key=pairing_queries.urgency):
        if row.due.state in NEEDS_VISIT:
            for user_id, _name in row.helpers:
                due_by_helper[user_id].append(row)
    reached = reachable(due_by_helper)
    link = site_path("pairing.mine")
    deliveries = []
    for user_id in sorted(reached):
        visits = [texts.DueVisit(row.household.place_label, row.due.due_on, row.due.state == VisitState.OVERDUE)
                  for row in due_by_helper[user_id]]
        deliveries.append(Delivery(VISITS_DUE_DIGEST, f"user:{user_id}", today,
                                   (Outgoing((user_id,), *texts.visits_digest(visits), link),)))
    return deliveries
