"""People who sign in, and the failed logins that throttle guessing."""
from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..communities.models import Community, Street
from ..extensions import db
from ..timeutil import utcnow

ROLE_RESIDENT = "resident"
ROLE_STAFF = "staff"
ROLE_VIEWER = "viewer"
ROLE_ADMIN = "admin"
# Not stored on the user: what their team memberships make a resident (accounts.actor.Actor.role).
ROLE_TEAM_LEADER = "leader"
ROLE_VOLUNTEER = "volunteer"
# What a person is on this site, in the words the community uses: the only copy of these words.
ROLE_LABELS = {ROLE_RESIDENT: "居民", ROLE_STAFF: "社区工作人员", ROLE_VIEWER: "街道查看", ROLE_ADMIN: "系统管理员",
               ROLE_TEAM_LEADER: "队长", ROLE_VOLUNTEER: "志愿者"}


class User(UserMixin, db.Model):
    """A person with a login. Volunteer and leader are memberships, not roles here."""

    __tablename__ = "users"
    __table_args__ = (
        # The 街道 administrator belongs to no community (they run the 街道, not one 社区); everyone else
        # belongs to exactly one. Only an administrator has a 街道 of their own (none until they create it).
        CheckConstraint(f"(role = '{ROLE_ADMIN}') = (community_id IS NULL)", name="admin_has_no_community"),
        CheckConstraint(f"role = '{ROLE_ADMIN}' OR street_id IS NULL", name="street_only_for_admin"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    phone: Mapped[str] = mapped_column(String(11), unique=True)
    name: Mapped[str] = mapped_column(String(40))
    password_hash: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(16), default=ROLE_RESIDENT)
    # Calendar reminder (VALARM) before each of the person's activities: None, 60 or 1440 minutes.
    reminder_minutes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    community: Mapped[Community | None] = relationship()
    street: Mapped[Street | None] = relationship()

    @property
    def is_staff(self) -> bool:
        return self.role == ROLE_STAFF

    @property
    def is_viewer(self) -> bool:
        """街道 viewer: read-only aggregates of every community of the 街道."""
        return self.role == ROLE_VIEWER

    @property
    def is_admin(self) -> bool:
        """系统管理员 of a 街道: sets up its communities and their staff; staff of none."""
        return self.role == ROLE_ADMIN

    @property
    def can_log_in(self) -> bool:
        """False for people the community registered on their behalf (no password yet)."""
        return bool(self.password_hash)

    @property
    def masked_phone(self) -> str:
        """138****1234: enough to recognise, not enough to call."""
        return f"{self.phone[:3]}****{self.phone[-4:]}"


class LoginFailure(db.Model):
    """One failed login; counted per phone and per address within a window."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)
