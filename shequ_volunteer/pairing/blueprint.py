"""The pairing blueprint and the view helpers more than one view module needs.

Every pairing view module adds its routes to `bp` from here; pairing/routes.py imports them all for
the app factory, so no view module imports another. A household is reached only through
household_for (access.visible_household): 404 for anyone who may not see it, a log row for everyone who does.
"""
from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint
from werkzeug.datastructures import MultiDict

from ..timeutil import local_today, utcnow
from ..web.auth import current_actor, require
from . import queries
from .access import log_access, visible_household
from .models import Household
from .queries import BOARD_VIEWS, BoardFilters
from .rules import TIER_LABELS

bp = Blueprint("pairing", __name__)


def today():
    """Today in Beijing."""
    return local_today(utcnow())


def household_for(household_id: int, action: str = "view") -> Household:
    """The household if the current person may see it (logged), else 404."""
    return visible_household(current_actor(), household_id, utcnow(), today(), action)


def access_kept(household: Household | None, action: str):
    """What a refused change must still write (answer_refusal's `keep`): the access-log row, since
    the page shown again with the person's input still displays the household's record."""
    if household is None:
        return None
    return lambda: log_access(current_actor(), household.id, action, utcnow())


def board_scope():
    """Staff see their community's pairings; leaders their teams' and the households they help themselves (a leader
    who also helps must not read 逾期 0 on the board while a household of their own is overdue); everyone else 404."""
    actor = current_actor()
    require(actor.is_staff_or_leader, 404)
    if actor.is_staff:
        return queries.community_scope(actor.community_id)
    return queries.teams_scope(actor.leader_team_ids) | queries.helper_scope(actor.user_id, local_today(utcnow()))


def read_filters(args: MultiDict) -> tuple[BoardFilters, str]:
    """Filters from a query string; anything unknown is ignored rather than refused."""
    tier = args.get("tier", "")
    show = args.get("show", "")
    return BoardFilters(grid=args.get("grid", "")[:20], building=args.get("building", "")[:20],
                        tier=tier if tier in TIER_LABELS else "",
                        helper_name=args.get("helper_name", "").strip()[:20]), show if show in BOARD_VIEWS else ""


PAGE_SIZE = 50  # rows per page of a list: the counts stay whole, a phone gets a short page


def board_context(board_query: str, **extra) -> dict:
    """The board for a query string (the page's own, or the one a quick visit form carried back)."""
    args = MultiDict(parse_qsl(board_query))
    filters, show = read_filters(args)
    page_text = args.get("page", "1")
    page = int(page_text) if page_text.isascii() and page_text.isdigit() and len(page_text) < 6 else 1
    result = queries.board(board_scope(), utcnow(), filters, show, page, PAGE_SIZE)

    def link_args(to_show: str, to_page: int = 1) -> dict:
        """The board's URL arguments for another list or page, keeping the filters (empty ones left out)."""
        values = {"grid": filters.grid, "building": filters.building, "tier": filters.tier,
                  "helper_name": filters.helper_name, "show": to_show, "page": to_page if to_page > 1 else ""}
        return {key: value for key, value in values.items() if value}

    return {"board": result, "filters": filters, "show": show, "views": BOARD_VIEWS, "tiers": TIER_LABELS,
            "link_args": link_args, "page": result.page, "pages": result.pages, "board_query": board_query, **extra}
