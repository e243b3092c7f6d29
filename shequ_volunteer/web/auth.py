"""The Actor of the current request: found once a request, kept on it, and checked by views.

Who may do what is decided in accounts.actor; this module only ties it to Flask's request.
"""
from __future__ import annotations

from flask import abort, has_request_context, request
from flask_login import current_user

from ..accounts.actor import ANONYMOUS, Actor, actor_for

ACTOR_KEY = "shequ.actor"


def current_actor() -> Actor:
    """The Actor of this request, computed on first use and kept on the request."""
    if not has_request_context():
        return ANONYMOUS
    if ACTOR_KEY not in request.environ:
        request.environ[ACTOR_KEY] = actor_for(current_user)
    return request.environ[ACTOR_KEY]


def forget_actor() -> None:
    """Drop the cached Actor after a change to the user's memberships."""
    request.environ.pop(ACTOR_KEY, None)


def require(allowed: bool, status: int = 403) -> None:
    """Stop the request unless the permission rule allowed it."""
    if not allowed:
        abort(status)
