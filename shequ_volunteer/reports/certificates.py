"""志愿服务记录证明: service-hours certificates and their public verification (routes on reports.bp).

A volunteer asks for a period (a year, or from/to dates); the lines are figures.hours_records for
that person — the very definition behind the statistics page's 服务时长 — and the total is their sum.
The certificate is stored as issued (lines copied in, a digest of them, an HMAC seal of the whole),
so later changes to the records never change a certificate already handed out.

The serial, e.g. SQ-2026-7KQ3M-9XD2H-4F8RZ, is ten random Crockford base-32 characters and five
check characters, an HMAC of the rest under a key derived from SECRET_KEY: a mistyped or altered
serial is refused before the database is asked, and a well-formed one not in the table (or whose
row no longer matches its seal) is "not found" as well. Changing SECRET_KEY voids every serial.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import date, datetime

from flask import Blueprint, abort, current_app, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from wtforms import DateField, RadioField
from wtforms.validators import InputRequired, Length, Optional

from ..accounts.models import User
from ..extensions import db
from ..hours.rules import format_minutes
from ..refusals import Refused
from ..teams.models import Team
from ..timeutil import local_date, local_today, to_local, utcnow
from ..web.forms import BaseForm, CleanStringField, choices, sensible_date
from ..web.htmx import answer_refusal, client_redirect, is_htmx, render_page
from ..web.qr import qr_svg
from . import figures, periods
from .models import Certificate, CertificateLine
from .views import bp

verify_bp = Blueprint("verify", __name__)

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base 32: no I, L, O, U to misread
_CHAR = "[0-9A-HJKMNP-TV-Z]"
SERIAL = re.compile(rf"SQ-[0-9]{{4}}-{_CHAR}{{5}}-{_CHAR}{{5}}-{_CHAR}{{5}}")
NO_SERVICE = "这段时间没有服务记录"
MAX_YEARS = 5


# --- Serials and seals (pure: the key is passed in) -----------------------------------------------

def _check_characters(body: str, key: bytes) -> str:
    number = int.from_bytes(hmac.new(key, body.encode(), hashlib.sha256).digest()[:4], "big") >> 7  # 25 bits
    return "".join(ALPHABET[(number >> (5 * i)) & 31] for i in range(5))


def new_serial(year: int, key: bytes) -> str:
    """SQ-<year>-<5 random>-<5 random>-<5 check>: 50 random bits, 25 bits of HMAC check."""
    random_part = "".join(secrets.choice(ALPHABET) for _ in range(10))
    body = f"SQ-{year}-{random_part[:5]}-{random_part[5:]}"
    return f"{body}-{_check_characters(body, key)}"


def serial_is_sound(serial: str, key: bytes) -> bool:
    """The serial has the right shape and its check characters match (no database needed)."""
    if not SERIAL.fullmatch(serial):
        return False
    return hmac.compare_digest(serial[-5:], _check_characters(serial[:-6], key))


def lines_digest(lines) -> str:
    """SHA-256 of the certified lines in a fixed form."""
    payload = [[line.served_on.isoformat(), line.source, line.title, line.team_name, line.minutes] for line in lines]
    return hashlib.sha256(json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()).hexdigest()


def seal_of(item: Certificate, key: bytes) -> str:
    """HMAC of everything a certificate states, so an edited row no longer verifies."""
    stated = [item.serial, item.user_id, item.community_id, item.community_name, item.holder_name, item.team_names,
              item.period_start.isoformat(), item.period_end.isoformat(), item.period_label, item.total_minutes,
              item.lines_digest, item.issued_at.isoformat()]
    return hmac.new(key, json.dumps(stated, ensure_ascii=False).encode(), hashlib.sha256).hexdigest()


def app_key(purpose: str) -> bytes:
    """A key of its own for each use, derived from the app's SECRET_KEY."""
    secret = current_app.config["SECRET_KEY"]
    secret = secret if isinstance(secret, bytes) else secret.encode()
    return hmac.new(secret, f"shequ-volunteer certificate {purpose}".encode(), hashlib.sha256).digest()


# --- Periods and names (pure) ----------------------------------------------------------------------

def period_label(start: date, end: date) -> str:
    """2026年, 2026年11月, 2026年1月1日至12月2日, or with both years when they differ."""
    for whole in (periods.year(start.year), periods.month(start.year, start.month)):
        if (whole.start, whole.end) == (start, end):
            return whole.label
    until = f"{end.month}月{end.day}日" if end.year == start.year else f"{end.year}年{end.month}月{end.day}日"
    return f"{start.year}年{start.month}月{start.day}日至{until}"


def refusal(period: periods.Period, today: date) -> str | None:
    """Why no certificate can be issued for this period, or None."""
    if period.start > today:
        return "这段时间还没到，只能开具已经过去的服务"
    if (period.end - period.start).days > 366 * MAX_YEARS:
        return "一份证明最多五年"
    return None


def certified_period(period: periods.Period, today: date) -> periods.Period:
    """The period cut at today: a certificate never speaks of days that have not yet passed."""
    end = min(period.end, today)
    return periods.Period(period.start, end, period_label(period.start, end))


def masked_name(name: str) -> str:
    """张*英, 李*: enough to match the paper in hand, not a full name for anyone holding a link."""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


# --- Issuing and finding ---------------------------------------------------------------------------

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


# --- The form --------------------------------------------------------------------------------------

class CertificateForm(BaseForm):
    kind = RadioField("证明哪段时间的服务", choices=choices({"year": "整年", "range": "起止日期"}), default="year",
                      validators=[InputRequired("请选择时间段")])
    year = CleanStringField("年份", validators=[Length(max=4, message="年份请写成 2026")])
    start = DateField("开始日期", validators=[Optional(), sensible_date])
    end = DateField("结束日期", validators=[Optional(), sensible_date])

    def period(self, today: date) -> periods.Period | None:
        """The period asked for, cut at today; None with a message next to the field at fault."""
        try:
            if self.kind.data == "year":
                asked = periods.parse("year", self.year.data or "")
            elif self.start.data is None or self.end.data is None:
                for field in (self.start, self.end):
                    if field.data is None:
                        field.errors.append("请填写日期，例如 2026-11-22")
                return None
            else:
                asked = periods.parse("range", "", self.start.data.isoformat(), self.end.data.isoformat())
        except periods.PeriodError as error:
            (self.year if self.kind.data == "year" else self.end).errors.append(str(error))
            return None
        message = refusal(asked, today)
        if message:
            self.period_field.errors.append(message)
            return None
        return certified_period(asked, today)

    @property
    def period_field(self):
        """Where a message about the whole period goes."""
        return self.year if self.kind.data == "year" else self.start


# --- Routes ----------------------------------------------------------------------------------------

def _today() -> date:
    return local_today(utcnow())


def _form_page(form: CertificateForm, status: int = 200):
    issued = db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id)
                                .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(20)).all()
    return render_page("reports/certificate_form.html", "certificate_form", status=status, form=form, issued=issued,
                       hours=shown_hours)


def hours_number(minutes: int) -> str:
    """Minutes as hours, to two decimals without trailing zeros: 270 → 4.5, 45 → 0.75."""
    return f"{minutes / 60:.2f}".rstrip("0").rstrip(".")


def shown_hours(minutes: int) -> str:
    """4.5小时（4小时30分钟）, or just 3小时 for whole hours."""
    hours, exact = f"{hours_number(minutes)}小时", format_minutes(minutes)
    return hours if hours == exact else f"{hours}（{exact}）"


@bp.get("/certificate")
@login_required
def certificate_form():
    """Choose the period: this year unless changed."""
    today = _today()
    return _form_page(CertificateForm(year=str(today.year), start=date(today.year, 1, 1), end=today))


@bp.post("/certificate")
@login_required
def issue_certificate():
    """Issue a certificate of the signed-in person's own hours; no one else's can be asked for."""
    form = CertificateForm()
    period = form.period(_today()) if form.validate_on_submit() else None
    if period is not None:
        try:
            item = issue(current_user, period, utcnow())
        except Refused as refusal:
            return answer_refusal(refusal, lambda status: _form_page(form, status), form=form,
                                  field=form.period_field.name)
        db.session.commit()
        target = url_for(".certificate", serial=item.serial)
        return client_redirect(target) if is_htmx() else redirect(target, code=303)
    return _form_page(form, status=422)


@bp.get("/certificates/<serial>")
@login_required
def certificate(serial: str):
    """The printable certificate, for its holder only (404 for everyone else, staff included)."""
    item = genuine(serial)
    if item is None or item.user_id != current_user.id:
        abort(404)
    link = url_for("verify.verify", serial=item.serial, _external=True)
    response = render_page("reports/certificate.html", certificate=item, link=link, qr=qr_svg(link, 4),
                           hours=shown_hours, number=hours_number, issued_on=local_date(item.issued_at))
    response.headers["Cache-Control"] = "private, no-store"
    return response


@dataclass(frozen=True)
class Verified:
    """All the public verification page may show."""

    serial: str
    name: str
    period_label: str
    hours: str
    community_name: str
    issued_on: date


@verify_bp.get("/verify/<serial>")
def verify(serial: str):
    """Public check of a certificate: masked name, period, total, issuer — never the lines or a phone."""
    item = genuine(serial)
    found = item and Verified(item.serial, masked_name(item.holder_name), item.period_label,
                              shown_hours(item.total_minutes), item.community_name, local_date(item.issued_at))
    response = render_page("reports/verify.html", found=found, status=200 if found else 404)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
