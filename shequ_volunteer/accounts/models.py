"""People who sign in, and the failed logins that throttle guessing."""
from __future__ import annotations

import hashlib
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import CheckConstraint, ForeignKey, Index, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..communities.models import Community, Street
from ..extensions import db
from ..refusals import refuse_violation
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


# Who acted when a change was made on the server's command line (`flask import`): no person of the site.
COMMAND_LINE_ACTOR = "服务器命令行"

PHONE_HAS_ACCOUNT = "这个手机号已经有账号了，请换一个手机号"
refuse_violation("uq_users_phone", PHONE_HAS_ACCOUNT, "phone")


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
    # Part of the login's identity (see `get_id`): raising it ends every session and remembered login
    # of this person on every device at their next request (password reset, deactivation, closing).
    session_version: Mapped[int] = mapped_column(default=0, server_default="0")
    # Stopped by staff (moved away, deceased, misuse): no login, no calendar links, off rosters and
    # searches; still counted and named in past records. Reactivation clears both.
    deactivated_at: Mapped[datetime | None]
    deactivation_reason: Mapped[str | None] = mapped_column(String(40))
    # Closed by the person (注销): name and phone replaced by a placeholder, records kept unnamed.
    closed_at: Mapped[datetime | None]
    # The privacy notice the person agreed to (its version) and when; None for people registered on
    # their behalf until they open their account themselves.
    privacy_version: Mapped[str | None] = mapped_column(String(20))
    privacy_agreed_at: Mapped[datetime | None]
    # Where the person lives and their birth year, as the community's own lists hold them (imports): for
    # staff only (the people pages), and the person's own 我的信息; never shown to leaders or other residents.
    grid: Mapped[str] = mapped_column(String(20), default="", server_default="")  # 网格
    estate: Mapped[str] = mapped_column(String(40), default="", server_default="")  # 小区
    building: Mapped[str] = mapped_column(String(20), default="", server_default="")  # 楼栋
    room: Mapped[str] = mapped_column(String(20), default="", server_default="")  # 室
    birth_year: Mapped[int | None]

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
    def is_active(self) -> bool:
        """Flask-Login asks this before logging anyone in: stopped and closed accounts never are."""
        return self.deactivated_at is None and self.closed_at is None

    def get_id(self) -> str:
        """id and session version; `accounts.devices.sign_in` adds the device's secret to what the session
        and the remember-me cookie keep, so raising the version or ending the device makes every copy of
        either cookie worthless (see `session_user`)."""
        return f"{self.id}.{self.session_version}"

    def end_all_sessions(self, now: datetime) -> None:
        """Every device this person is logged in on is logged out at its next request: the version rises
        (old cookies no longer match) and their signed-in devices end (我的资料 no longer lists them)."""
        self.session_version = (self.session_version or 0) + 1
        db.session.execute(update(LoginSession).where(LoginSession.user_id == self.id, LoginSession.ended_at.is_(None))
                           .values(ended_at=now).execution_options(synchronize_session=False))

    @property
    def home_address(self) -> str:
        """网格 小区 楼栋 室 as the community's list gave them (staff and the person only); '' when none."""
        parts = [self.grid, self.estate, f"{self.building}号楼" if self.building else "",
                 f"{self.room}室" if self.room else ""]
        return " ".join(part for part in parts if part)

    @property
    def masked_phone(self) -> str:
        """138****1234: enough to recognise, not enough to call."""
        return f"{self.phone[:3]}****{self.phone[-4:]}"


def is_current_person():
    """SQL: the account is neither stopped nor closed — who rosters, searches and pickers list.
    Past records and figures keep everyone."""
    return User.deactivated_at.is_(None) & User.closed_at.is_(None)


def session_user(identity: str) -> User | None:
    """The user a session or remember-me cookie names, if that login still stands: its signed-in device
    (LoginSession) not ended, the same session version, and an account neither stopped nor closed.
    Checked on every request against the database, so a logout, a reset, signing a device out, a
    deactivation or a closing takes effect at once in every app process."""
    user_id, version, secret = (identity.split(".", 2) + ["", ""])[:3]
    if not (user_id.isdigit() and version.isdigit() and secret):
        return None  # cookies from before server-side sessions, or forged: log in again
    # One statement for both (every signed-in request pays it).
    found = db.session.execute(select(LoginSession, User).join(User, User.id == LoginSession.user_id)
                               .where(LoginSession.token_hash == LoginSession.hash(secret))).first()
    if found is None:
        return None
    device, user = found
    if (device.user_id != int(user_id) or device.ended_at is not None or user.session_version != int(version)
            or not user.is_active or not user.can_log_in):
        return None
    user.login_session = device  # which device this request comes from: 我的资料 marks it 本机
    return user


class LoginSession(db.Model):
    """One signed-in device (a browser on a phone or computer), from login until logout or sign-out.

    The session and remember-me cookies carry a random secret; only its SHA-256 is stored, so a copy of
    this table opens nothing. Ending the row ends both cookies on their next request.
    """

    __tablename__ = "login_sessions"
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    device: Mapped[str] = mapped_column(String(60))
    created_at: Mapped[datetime]
    last_seen_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]

    @staticmethod
    def hash(secret: str) -> str:
        return hashlib.sha256(secret.encode("utf-8", "surrogateescape")).hexdigest()


ONE_TIME_OPEN = "open"      # 开通账号: someone registered on their behalf sets their first password
ONE_TIME_RESET = "reset"    # 重置密码: a person who forgot their password sets a new one
ONE_TIME_PURPOSES = (ONE_TIME_OPEN, ONE_TIME_RESET)


class OneTimeCode(db.Model):
    """A code staff hand to a person (on a printed slip) to open their account or reset its password.

    Only a keyed hash of the code is stored. A code is single-use (`used_at`), expires, and dies after
    a few wrong tries (`wrong_attempts`); wrong tries per phone are also counted as LoginFailure rows,
    so the limit holds across every app process. Issuing a new code for a person voids their older ones.
    """

    __tablename__ = "one_time_codes"
    __table_args__ = (
        CheckConstraint("purpose IN ('open', 'reset')", name="known_purpose"),
        Index("ix_one_time_codes_user_id", "user_id"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    purpose: Mapped[str] = mapped_column(String(8))
    code_hash: Mapped[str] = mapped_column(String(128))
    issued_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    issued_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    voided_at: Mapped[datetime | None]
    wrong_attempts: Mapped[int] = mapped_column(default=0, server_default="0")

    user: Mapped[User] = relationship(foreign_keys=[user_id])


class LoginFailure(db.Model):
    """One failed login; counted per phone and per address within a window."""

    __tablename__ = "login_failures"
    __table_args__ = (Index("ix_login_failures_key_at", "key", "at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(80))
    at: Mapped[datetime] = mapped_column(default=utcnow)
