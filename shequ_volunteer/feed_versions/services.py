"""feeds_changed: the one way a write says which calendar feeds it changes.

Services call it in the transaction of the write; the versions rise when that transaction commits
(a before_commit hook on the session), all of them at once, in one fixed order (scope, then id).
Raising a version locks its row until the commit; taken last and always in the same order, those
locks cannot close a circle with the row locks a service takes on its way (an activity, a household),
and they are held only for the commit. A transaction that rolls back raises nothing.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, event, func
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from ..extensions import db
from .models import PERSONAL, SCOPES, TEAM, TEAM_LIVE, TEAM_NAMES, FeedVersion, encode_turns

PENDING = "feed_versions.pending"


@dataclass
class _Change:
    at: datetime
    turns: str | None = None  # None: keep the stored turns


def feeds_changed(now: datetime, *, people: Iterable[int] = (), teams: Iterable[int] = (),
                  team_signups: Iterable[int] = (), team_names_in: Iterable[int] = (),
                  turns: dict[int, list[datetime]] | None = None) -> None:
    """Record that this transaction changes these feeds:

    - `people`: their 我的日程 (a sign-up of theirs, an activity they hold a place in, their name …);
    - `teams`: the schedule of these teams — their public feed, their leaders' live feed and, through
      the teams, their community's feed;
    - `team_signups`: only the sign-ups of these teams' activities (the live feed's counts and stamps);
    - `team_names_in`: a team of these communities was renamed (every 我的日程 there names its teams);
    - `turns`: people whose paired households changed, with the moments their feed will change by
      itself from now on (pairing.queries.feed_turns); they count as changed too.
    """
    pending: dict[tuple[str, int], _Change] = db.session.info.setdefault(PENDING, {})

    def note(scope: str, scope_id: int, turns_text: str | None = None) -> None:
        known = pending.get((scope, scope_id))
        if known is None:
            pending[(scope, scope_id)] = _Change(now, turns_text)
        else:
            known.at = max(known.at, now)
            known.turns = turns_text if turns_text is not None else known.turns

    for user_id in people:
        note(PERSONAL, user_id)
    for user_id, moments in (turns or {}).items():
        note(PERSONAL, user_id, encode_turns(moments))
    for team_id in teams:
        note(TEAM, team_id)
        note(TEAM_LIVE, team_id)
    for team_id in team_signups:
        note(TEAM_LIVE, team_id)
    for community_id in team_names_in:
        note(TEAM_NAMES, community_id)


def _raise_versions(session: Session) -> None:
    pending: dict[tuple[str, int], _Change] | None = session.info.pop(PENDING, None)
    if not pending:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(FeedVersion)
    new = statement.excluded
    statement = statement.on_conflict_do_update(index_elements=["scope", "scope_id"], set_={
        "version": FeedVersion.version + 1,
        "changed_at": case((new.changed_at > FeedVersion.changed_at, new.changed_at), else_=FeedVersion.changed_at),
        "turns": func.coalesce(new.turns, FeedVersion.turns),  # None: keep what the last pairing change said
    })
    for scope in SCOPES:  # one statement per scope, its rows in id order: the order every transaction locks in
        rows = [{"scope": scope, "scope_id": scope_id, "version": 1, "changed_at": change.at, "turns": change.turns}
                for (row_scope, scope_id), change in sorted(pending.items()) if row_scope == scope]
        if rows:
            session.execute(statement, rows)


def _forget_pending(session: Session, transaction) -> None:
    if transaction.parent is None:  # the whole transaction ended (a commit has raised them already)
        session.info.pop(PENDING, None)


def raise_versions_at_commit() -> None:
    """Install the hooks on the app's session (create_app; once per process)."""
    if not event.contains(db.session, "before_commit", _raise_versions):
        event.listen(db.session, "before_commit", _raise_versions)
        event.listen(db.session, "after_transaction_end", _forget_pending)
