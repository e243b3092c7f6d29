"""What waits for someone's yes or no: a team application (入队申请), a 补录 of service hours.

Both are rows with a status that starts pending and is decided once, with who decided and when.
(A 待审核 sign-up is decided differently: it holds seats, so activities.services.review moves it
with a conditional UPDATE and frees its seats on a no.)
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update

from .extensions import db
from .refusals import Refused

PENDING, APPROVED, DECLINED = "pending", "approved", "declined"


def decide_pending(model, item, approve: bool, decided_by_id: int | None, now: datetime, already: str):
    """Approve or decline `item` (a `model` row with status, decided_by_id and decided_at) while it waits;
    Refused(`already`) once it has been decided. One conditional UPDATE (... WHERE status = 'pending'):
    of two people deciding at once, exactly one changes the row and the other hears `already`."""
    changed = db.session.execute(
        update(model).where(model.id == item.id, model.status == PENDING)
        .values(status=APPROVED if approve else DECLINED, decided_by_id=decided_by_id, decided_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise Refused(already)
    db.session.refresh(item)
    return item
