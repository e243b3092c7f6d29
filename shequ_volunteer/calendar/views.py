"""Calendar feeds: public ones (community, team), secret ones (我的日程, a leader's team with
counts) and single-event downloads. The pages to subscribe, reset and revoke are subscribe_views.py."""
from __future__ import annotations

from typing import Callable

from flask import Response, abort, current_app, request, url_for
from flask_login import current_user

from ..accounts.models import User
from ..activities.models import Activity
from ..extensions import db
from ..teams.models import Team
from ..timeutil import utcnow
from . import private_feeds, tokens, validators
from .blueprint import bp, may_have_team_feed
from .conditional import Validator, not_modified
from .feeds import PRODID, activity_event, feed_activities
from .ical import build_calendar
from .models import KIND_PERSONAL, KIND_TEAM


def activity_url_builder() -> Callable[[int], str]:
    # One adapter for the whole feed: url_for per event was a fifth of the render time.
    adapter = current_app.create_url_adapter(request)
    return lambda activity_id: adapter.build("activities.detail", {"activity_id": activity_id}, force_external=True)


def calendar_response(body: bytes, status: int = 200, filename: str = "calendar.ics",
                      disposition: str = "inline") -> Response:
    response = Response(body, status=status, mimetype="text/calendar")
    response.charset = "utf-8"
    response.headers["Content-Disposition"] = f"{disposition}; filename={filename}"
    return response


def conditional_feed(validator: Validator, render: Callable[[], bytes], private: bool = False) -> Response:
    """304 straight from the validator when the app already has this version; else render."""
    if not_modified(validator, request.headers.get("If-None-Match"), request.headers.get("If-Modified-Since")):
        response = Response(status=304)
    else:
        response = calendar_response(render())
    response.set_etag(validator.etag)
    response.headers["Last-Modified"] = validator.http_last_modified
    response.cache_control.max_age = 900
    if private:
        response.cache_control.private = True  # a shared cache must not keep someone's own calendar
    else:
        response.cache_control.public = True
    return response


def uid_domain() -> str:
    return current_app.config["ICAL_UID_DOMAIN"]


@bp.get("/community/<int:community_id>.ics")
def community_feed(community_id: int):
    feed = validators.community_feed(community_id) or abort(404)
    now = utcnow()
    return conditional_feed(validators.public_validator("community", feed, now, request.host),
                            lambda: _public_body(f"{feed.name}志愿活动", feed_activities(now, community_id=feed.id)))


@bp.get("/teams/<int:team_id>.ics")
def team_feed(team_id: int):
    feed = validators.team_feed(team_id) or abort(404)
    now = utcnow()
    return conditional_feed(validators.public_validator("team", feed, now, request.host),
                            lambda: _public_body(f"{feed.name}活动", feed_activities(now, team_id=feed.id)))


def _public_body(name: str, activities) -> bytes:
    url_for_activity = activity_url_builder()
    return build_calendar(name, [activity_event(a, uid_domain(), url_for_activity(a.id)) for a in activities], PRODID)


@bp.get("/me/<secret>.ics")
def personal_feed(secret: str):
    """我的日程 behind a secret link (calendar apps cannot log in)."""
    owner = tokens.find(secret, KIND_PERSONAL) or abort(404)
    now = utcnow()
    return conditional_feed(
        validators.personal_validator(owner, now, request.host),
        lambda: build_calendar(f"{owner.name}的日程", private_feeds.personal_events(
            owner.user_id, owner.reminder_minutes, now, uid_domain(), activity_url_builder()), PRODID),
        private=True)


@bp.get("/team-live/<secret>.ics")
def team_live_feed(secret: str):
    """A leader's team calendar with the sign-up counts in each title."""
    owner = tokens.find(secret, KIND_TEAM) or abort(404)
    team = db.session.get(Team, owner.team_id) or abort(404)
    if not may_have_team_feed(db.session.get(User, owner.user_id), team):
        abort(404)  # no longer leads the team: the link stops working
    now = utcnow()
    return conditional_feed(
        validators.team_live_validator(owner, now, request.host),
        lambda: build_calendar(f"{team.name}（报名人数）", private_feeds.team_events(
            team.id, now, uid_domain(), activity_url_builder()), PRODID),
        private=True)


@bp.get("/activities/<int:activity_id>.ics")
def activity_download(activity_id: int):
    """One activity as a file to add to a calendar: the same UID as in every feed."""
    activity = db.get_or_404(Activity, activity_id)
    reminder = current_user.reminder_minutes if current_user.is_authenticated else None
    event = activity_event(activity, uid_domain(), url_for("activities.detail", activity_id=activity.id,
                                                            _external=True), alarm_minutes=reminder)
    body = build_calendar(activity.title, [event], PRODID)
    return calendar_response(body, filename=f"activity-{activity.id}.ics", disposition="attachment")
