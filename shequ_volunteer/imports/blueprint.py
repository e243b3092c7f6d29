"""The imports blueprint and what its views share: who may import, and finding one's own upload.

imports/routes.py imports every view module adding routes to it.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, current_app

from ..timeutil import utcnow
from ..web.auth import current_actor, require
from . import uploads

bp = Blueprint("imports", __name__)

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def staff():
    """Staff of a community, else 403: only they bring lists in (households are the register's data)."""
    actor = current_actor()
    require(actor.is_staff and actor.community_id is not None)
    return actor


def upload_folder() -> Path:
    return uploads.folder_of(current_app)


def find_upload(token: str) -> uploads.Upload:
    """This staff member's own upload in their community, still kept; else 404 (they learn nothing of others')."""
    actor = staff()
    upload = uploads.find(upload_folder(), token, user_id=actor.user_id, community_id=actor.community_id,
                          now=utcnow())
    if upload is None:
        abort(404)
    return upload
