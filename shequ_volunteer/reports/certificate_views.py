"""志愿服务记录证明 pages: choose a period, the printable certificate, and its public check."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask import abort, redirect, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from ..extensions import db
from ..refusals import Refused
from ..timeutil import local_date, local_today, utcnow
from ..web.htmx import answer_refusal, client_redirect, is_htmx, render_page
from ..web.qr import qr_svg
from .blueprint import bp, verify_bp
from .certificate_rules import hours_number, masked_name, shown_hours
from .certificates import genuine, issue
from .forms import CertificateForm
from .models import Certificate


def _today() -> date:
    return local_today(utcnow())


def _form_page(form: CertificateForm, status: int = 200):
    issued = db.session.scalars(select(Certificate).where(Certificate.user_id == current_user.id)
                                .order_by(Certificate.issued_at.desc(), Certificate.id.desc()).limit(20)).all()
    return render_page("reports/certificate_form.html", "certificate_form", status=status, form=form, issued=issued,
                       hours=shown_hours)

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
