"""The pairing board (staff: the community; leaders: their teams' pairings) and 我的结对."""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import request
from flask_login import login_required
from werkzeug.datastructures import MultiDict

from ..timeutil import local_today
from ..web.auth import current_actor, require
from ..web.htmx import render_page
from . import queries
from .queries import BOARD_VIEWS, BoardFilters
from .rules import TIER_LABELS
from .views import bp, utcnow


def board_scope():
    """Staff see their community's pairings, leaders their teams'; everyone else 404."""
    actor = current_actor()
    require(actor.is_staff_or_leader, 404)
    if actor.is_staff:
        return queries.community_scope(actor.community_id)
    return queries.teams_scope(actor.leader_team_ids)


def read_filters(args: MultiDict) -> tuple[BoardFilters, str]:
    """Filters from a query string; anything unknown is ignored rather than refused."""
    helper = args.get("helper", "")
    tier = args.get("tier", "")
    show = args.get("show", "")
    return BoardFilters(grid=args.get("grid", "")[:20], building=args.get("building", "")[:20],
                        tier=tier if tier in TIER_LABELS else "",
                        helper_id=int(helper) if helper.isascii() and helper.isdigit() and len(helper) < 10 else None,
                        ), show if show in BOARD_VIEWS else ""


PAGE_SIZE = 50  # rows per page of a list: the counts stay whole, a phone gets a short page


def board_context(board_query: str, **extra) -> dict:
    """The board for a query string (the page's own, or the one a quick visit form carried back)."""
    args = MultiDict(parse_qsl(board_query))
    filters, show = read_filters(args)
    result = queries.board(board_scope(), utcnow(), filters)
    listed = result.lists[show] if show else result.rows
    pages = max(1, -(-len(listed) // PAGE_SIZE))
    page_text = args.get("page", "1")
    page = min(int(page_text), pages) if page_text.isascii() and page_text.isdigit() and len(page_text) < 6 else 1
    page = max(page, 1)
    def link_args(to_show: str, to_page: int = 1) -> dict:
        """The board's URL arguments for another list or page, keeping the filters (empty ones left out)."""
        values = {"grid": filters.grid, "building": filters.building, "tier": filters.tier,
                  "helper": filters.helper_id or "", "show": to_show, "page": to_page if to_page > 1 else ""}
        return {key: value for key, value in values.items() if value}

    return {"board": result, "filters": filters, "show": show, "views": BOARD_VIEWS, "tiers": TIER_LABELS,
            "link_args": link_args,
            "listed": listed, "shown": listed[(page - 1) * PAGE_SIZE: page * PAGE_SIZE], "page": page,
            "pages": pages, "board_query": board_query, **extra}


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
