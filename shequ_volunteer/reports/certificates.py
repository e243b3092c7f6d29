"""志愿服务记录证明: issuing a service-hours certificate and finding a genuine one.

A volunteer asks for a period (a year, or from/to dates); the lines are figures.hours_records for
that person — the very definition behind the statistics page's 服务时长 — and the total is their sum.
The certificate is stored as issued (lines copied in, a digest of them, an HMAC seal of the whole),
so later changes to the records never change a certificate already handed out. Serials and seals
are made in serials.py, what a certificate may speak of is decided in certificate_rules.py.
"""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

from flask import current_app
from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import local_date, to_local
from . import figures, periods
from .models import Certificate, CertificateLine
from .serials import lines_digest, new_serial, seal_of, serial_is_sound

NO_SERVICE = "这段时间没有服务记录"


def app_key(purpose: str) -> bytes:
    """A key of its own for each use, derived from the app's SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(secret, f"shequ-volunteer certificate {purpose}".encode(), hashlib.sha256).digest()


def certified_lines(community_id: int, window: figures.Window, user_id: int) -> list[CertificateLine]:
    """figures.hours_records of one person, with team names and Shanghai dates, oldest first."""
    rows = figures.hours_records(community_id, window, user_id=user_id).subquery()
    statement = (select(rows, Team.name.label("team")).join(Team, Team.id == rows.c.team_id)
                 .order_by(rows.c.served_at, rows.c.source, rows.c.title))
    return [CertificateLine(position=number, served_on=local_date(row.served_at), source=row.source,
                            title=row.title or "", team_name=row.team, minutes=row.minutes)
            for number, row in enumerate(db.session.execute(statement), start=1)]


def issue(user: User, period: periods.Period, now: datetime) -> Certificate:
    """Issue a certificate of `user`'s own service in `period`; flushes, the caller commits."""
    lines = certified_lines(user.community_id, figures.Window(period, now), user.id)
    total = sum(line.minutes for line in lines)
    if total <= 0:
        raise Refused(NO_SERVICE)
    issued_at = now.replace(microsecond=0)
    item = Certificate(serial=new_serial(to_local(issued_at).year, app_key("serial")), user_id=user.id,
                       community_id=user.community_id, community_name=user.community.name, holder_name=user.name,
                       team_names="、".join(dict.fromkeys(line.team_name for line in lines)),
                       period_start=period.start, period_end=period.end, period_label=period.label,
                       total_minutes=total, lines_digest=lines_digest(lines), issued_at=issued_at, lines=lines)
    item.seal = seal_of(item, app_key("seal"))
    db.session.add(item)
    db.session.flush()
    return item


def genuine(serial: str) -> Certificate | None:
    """The certificate behind a serial if it is one we issued and its row is unaltered, else None."""
    if not serial_is_sound(serial, app_key("serial")):
        return None  # refused without asking the database
    item = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    if item is None or item.lines_digest != lines_digest(item.lines):
        return None
    return item if hmac.compare_digest(item.seal, seal_of(item, app_key("seal"))) else None


def anonymise_holder(user_id: int, placeholder: str) -> int:
    """A closed account's certificates keep their serial, period and hours, but name the holder by the
    placeholder, re-sealed so /verify still answers (showing that the holder closed their account)."""
    items = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id)).all()
    for item in items:
        item.holder_name = placeholder
        item.seal = seal_of(item, app_key("seal"))
    db.session.flush()
    return len(items)
