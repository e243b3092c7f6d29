"""The calendar blueprint and the view helpers more than one view module needs.

The feed views (views.py) and the subscribe pages (subscribe_views.py) add their routes to `bp`
from here; calendar/routes.py imports them both for the app factory.
"""
from __future__ import annotations

from flask import Blueprint, url_for
from flask_login import current_user

from ..accounts.actor import actor_for
from ..teams.models import Team

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def may_have_team_feed(person, team: Team) -> bool:
    """A leader's live team feed works only while its owner may manage the team."""
    return actor_for(person).can_manage_team(team)


PUBLIC_PAGES = {"calendar.community_feed": ("community", "community_id"), "calendar.team_feed": ("teams", "team_id")}


def subscribe_links(endpoint: str, **values) -> dict[str, str]:
    """The https link to a feed and its webcal:// twin for one-tap subscribing."""
    https = url_for(endpoint, _external=True, **values)
    links = {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
    if endpoint in PUBLIC_PAGES:
        scope, key = PUBLIC_PAGES[endpoint]
        links["page"] = url_for("calendar.subscribe_public", scope=scope, scope_id=values[key])
        if current_user.is_authenticated:
            links["mine"] = url_for("calendar.subscribe_mine")
    return links
