"""Public .ics feeds for the community and for each team."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, request, url_for

from ..communities.models import Community
from ..extensions import db
from ..teams.models import Team
from ..timeutil import utcnow
from .feeds import feed_activities, render_feed

bp = Blueprint("calendar", __name__, url_prefix="/calendar")


def _serve(name: str, activities) -> Response:
    # One adapter for the whole feed: url_for per event was a fifth of the render time.
    adapter = current_app.create_url_adapter(request)
    body = render_feed(
        name,
        activities,
        current_app.config["ICAL_UID_DOMAIN"],
        lambda activity_id: adapter.build("activities.detail", {"activity_id": activity_id}, force_external=True),
    )
    response = Response(body, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = "inline; filename=calendar.ics"
    response.cache_control.max_age = 900
    return response


@bp.get("/community/<int:community_id>.ics")
def community_feed(community_id: int):
    community = db.get_or_404(Community, community_id)
    return _serve(f"{community.name}志愿活动", feed_activities(utcnow(), community_id=community.id))


@bp.get("/teams/<int:team_id>.ics")
def team_feed(team_id: int):
    team = db.get_or_404(Team, team_id)
    return _serve(f"{team.name}活动", feed_activities(utcnow(), team_id=team.id))


def subscribe_links(endpoint: str, **values) -> dict[str, str]:
    """The https link to a feed and its webcal:// twin for one-tap subscribing."""
    https = url_for(endpoint, _external=True, **values)
    return {"https": https, "webcal": "webcal://" + https.split("://", 1)[1]}
