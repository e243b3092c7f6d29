"""The reports blueprints: 统计, 台账 and 证明 under /reports, and the public certificate check.

Every reports view module adds its routes to one of these; reports/routes.py imports them all for
the app factory, so no view module imports another.
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports")
# Outside /reports: anyone holding a printed certificate may check it, signed in or not.
verify_bp = Blueprint("verify", __name__)
