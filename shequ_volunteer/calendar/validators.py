"""Validators for each feed from its row in feed_versions, read in the statement that finds the feed:
a poll that finds nothing new costs one indexed lookup, however much history lies behind the feed.

ETag: the feed, its version (raised in the transaction of every write that changes the feed, see
feed_versions.services.feeds_changed), the Beijing day (the window moves at midnight: events enter and
leave it, an overdue visit moves to the new day), the host the links are built from, and what the
lookup reads anyway (the owner's name and reminder, the community's name). 我的日程 also changes by
itself when a paired household's 24 hours after a major change run out: the turns passed count too.

Last-Modified: the latest of the last change, today's midnight and the last turn passed, so an app that
only sends If-Modified-Since still sees every one of those.

The statements are built once with bound parameters: a 304 is answered many times a minute, and building
a SQLAlchemy statement costs more than running it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import cache

from sqlalchemy import Integer, bindparam, func, select

from ..communities.models import Community
from ..database import read_alone
from ..feed_versions.models import TEAM, FeedVersion, passed_turns
from ..teams.models import Team
from ..timeutil import local_midnight, local_today
from .conditional import Validator
from .tokens import FeedOwner


@dataclass(frozen=True)
class PublicFeed:
    """A community's or a team's public feed: what it is called and how many times it changed."""

    id: int
    name: str
    version: int
    changed_at: datetime | None


def _validator(parts: tuple, now: datetime, host: str, *moments: datetime | None) -> Validator:
    today = local_today(now)
    latest = max([moment for moment in moments if moment is not None] + [local_midnight(today)])
    return Validator.of((*parts, today, host), latest)


@cache
def _team_statement():
    return (select(Team.id, Team.name, func.coalesce(FeedVersion.version, 0), FeedVersion.changed_at)
            .outerjoin(FeedVersion, (FeedVersion.scope == TEAM) & (FeedVersion.scope_id == Team.id))
            .where(Team.id == bindparam("team_id", type_=Integer)))


@cache
def _community_statement():
    # The community's feed changes exactly when one of its teams' schedules does: the sum of their versions.
    return (select(Community.id, Community.name, func.coalesce(func.sum(FeedVersion.version), 0),
                   func.max(FeedVersion.changed_at))
            .outerjoin(Team, Team.community_id == Community.id)
            .outerjoin(FeedVersion, (FeedVersion.scope == TEAM) & (FeedVersion.scope_id == Team.id))
            .where(Community.id == bindparam("community_id", type_=Integer))
            .group_by(Community.id, Community.name))


def team_feed(team_id: int) -> PublicFeed | None:
    row = read_alone(_team_statement(), {"team_id": team_id})  # a 304 opens no session (tokens.find)
    return PublicFeed(*row) if row else None


def community_feed(community_id: int) -> PublicFeed | None:
    row = read_alone(_community_statement(), {"community_id": community_id})
    return PublicFeed(*row) if row else None


def public_validator(kind: str, feed: PublicFeed, now: datetime, host: str) -> Validator:
    return _validator((kind, feed.id, feed.name, feed.version), now, host, feed.changed_at)


def personal_validator(owner: FeedOwner, now: datetime, host: str) -> Validator:
    turned = passed_turns(owner.turns, now)
    return _validator(("personal", owner.user_id, owner.name, owner.reminder_minutes, owner.version,
                       owner.names_version, len(turned)),
                      now, host, owner.changed_at, owner.names_changed_at, *turned[-1:])


def team_live_validator(owner: FeedOwner, now: datetime, host: str) -> Validator:
    return _validator(("team", owner.team_id, owner.version), now, host, owner.changed_at)
