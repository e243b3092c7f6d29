"""The pairing board (staff: the community; leaders: their teams' pairings) and 我的结对."""
from __future__ import annotations

from flask import request
from flask_login import login_required

from ..timeutil import local_today, utcnow
from ..web.auth import current_actor
from ..web.htmx import render_page
from . import queries
from .blueprint import board_context, bp


@bp.get("/board")
@login_required
def board():
    """本周应访 / 已访 / 逾期 with the list behind each; htmx swaps the board as filters change."""
    return render_page("pairing/board.html", "board",
                       **board_context(request.query_string.decode("ascii", "replace")))


@bp.get("/me/pairings")
@login_required
def mine():
    """我的结对: the households I help, when each is next due, and one tap to log a visit."""
    actor = current_actor()
    rows = queries.board_rows(queries.helper_scope(actor.user_id, local_today(utcnow())), utcnow())
    rows.sort(key=queries.urgency)
    return render_page("pairing/mine.html", rows=rows)
