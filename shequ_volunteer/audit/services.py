"""Writing the 操作记录: one row per administrative change, in the change's own transaction."""
from __future__ import annotations

from datetime import datetime

from ..accounts.actor import Actor
from ..communities.models import Community
from ..extensions import db
from .models import KIND_LABELS, AuditEntry


def record(actor: Actor, kind: str, target, summary: str, now: datetime, *,
           community_id: int | None = None, street_id: int | None = None) -> AuditEntry:
    """Add the audit row for a change the caller is making; flushed with it, committed (or rolled back) with it.

    `target` is the record changed (any model with an id; its table names the type). The 街道 comes
    from the community when one is given, so a community's rows are always its 街道's rows too.
    """
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown audit kind {kind!r}")
    if community_id is not None:
        street_id = db.session.get(Community, community_id).street_id
    entry = AuditEntry(at=now, actor_id=actor.user_id, street_id=street_id,
                       community_id=community_id, kind=kind, target_type=target.__tablename__,
                       target_id=target.id, summary=summary[:200])
    db.session.add(entry)
    db.session.flush()
    return entry
