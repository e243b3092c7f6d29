"""GET /healthz for monitors and load balancers: 200 `ok` when the database answers `SELECT 1`, 503 when not.

Cheap enough to poll every few seconds: one pooled connection and one statement, no ORM session, no
login, no template, no cookie set. Anyone may ask; the answer says nothing but ok or unavailable.
"""
from __future__ import annotations

from flask import Blueprint, Response, current_app
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db

bp = Blueprint("health", __name__)


def _plain(body: str, status: int) -> Response:
    return Response(body, status=status, mimetype="text/plain", headers={"Cache-Control": "no-store"})


@bp.get("/healthz")
def healthz():
    try:
        with db.engine.connect() as connection:
            connection.exec_driver_sql("SELECT 1")
    except SQLAlchemyError as error:
        # One line, no traceback: a monitor polls this every few seconds while the database is down.
        current_app.logger.warning("healthz: database unreachable: %s", type(error.orig or error).__name__)
        return _plain("unavailable", 503)
    return _plain("ok", 200)
