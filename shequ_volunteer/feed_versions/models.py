"""One row per calendar feed that has ever changed: its version and when it last changed.

A feed's validator (ETag, Last-Modified) is this row, read in the same statement that finds the
feed, so a poll that finds nothing new costs one indexed lookup however much history lies behind
the feed. The services raise the version in the transaction of every write that changes what a feed
shows (services.feeds_changed); a feed without a row has never changed since it was empty.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db

PERSONAL = "personal"  # 我的日程 of a user (scope_id = user id)
TEAM = "team"  # a team's public feed, its schedule (scope_id = team id); the community feed adds its teams up
TEAM_LIVE = "team-live"  # a leader's team feed: the schedule and the sign-up counts (scope_id = team id)
# The names of a community's teams (scope_id = community id): every 我的日程 of the community reads this row
# beside its own, so renaming a team changes them all without a row per person.
TEAM_NAMES = "team-names"
SCOPES = (PERSONAL, TEAM, TEAM_LIVE, TEAM_NAMES)


class FeedVersion(db.Model):
    __tablename__ = "feed_versions"
    scope: Mapped[str] = mapped_column(String(12), primary_key=True)
    scope_id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[datetime]  # naive UTC; only ever moves forward
    # PERSONAL only: the moments (ISO, naive UTC) at which the feed changes without a write — a paired
    # household's 24 hours after a major change running out (pairing.rules.next_due) — as of the last
    # pairing change that concerned this person (None: none ever worked out).
    turns: Mapped[str | None] = mapped_column(Text)


def encode_turns(moments) -> str:
    # Whole precision: the feed changes when `now > moment` (pairing.rules.next_due), to the microsecond.
    return ",".join(sorted(moment.isoformat() for moment in moments))


def passed_turns(turns: str | None, now: datetime) -> list[datetime]:
    """The turns already behind `now`, oldest first (the feed changed at each)."""
    moments = [datetime.fromisoformat(text) for text in (turns or "").split(",") if text]
    return sorted(moment for moment in moments if now > moment)
