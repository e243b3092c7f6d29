"""What waits for someone's yes or no: a team application (入队申请), a 补录 of service hours.

Both are rows with a status that starts pending and is decided once, with who decided and when.
(A 待审核 sign-up is decided differently: it holds seats, so activities.services.review moves it
with a conditional UPDATE and frees its seats on a no.)
"""
from __future__ import annotations

from datetime import datetime

from .refusals import Refused

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


def decide_pending(item, approve: bool, decided_by_id: int | None, now: datetime, already: str):
    """Approve or decline `item` (it has status, decided_by_id and decided_at) while it waits;
    Refused(`already`) once it has been decided. Sets the fields; the caller flushes."""
    if item.status != PENDING:
        raise Refused(already)
    item.status = APPROVED if approve else DECLINED
    item.decided_by_id = decided_by_id
    item.decided_at = now
    return item
