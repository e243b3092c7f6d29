"""操作记录 (/audit): the record of administrative changes, for the people who answer for them."""
from __future__ import annotations

from flask import Blueprint, abort, request
from flask_login import login_required

from ..web.auth import current_actor
from ..web.htmx import render_page
from ..web.parameters import id_arg
from . import queries
from .models import KIND_LABELS

bp = Blueprint("audit", __name__)

MAX_PAGE = 10_000  # keeps OFFSET within the database's integers


@bp.get("/audit")
@login_required
def index():
    """Newest first, 50 a page, by person and by kind; htmx swaps only the list when a filter changes."""
    scope = queries.scope_of(current_actor())
    if scope is None:
        abort(404)  # like every staff page: a resident learns nothing, not even that it exists
    person = id_arg("person")
    kind = request.args.get("kind", "")
    kind = kind if kind in KIND_LABELS else ""
    page = min(max(request.args.get("page", 1, type=int) or 1, 1), MAX_PAGE)
    return render_page("audit/index.html", "entries", entries=queries.entries(scope, page, person, kind),
                       people=queries.people_in(scope), person=person, kind=kind, kinds=KIND_LABELS)
