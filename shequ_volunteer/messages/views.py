"""我的消息: the signed-in person's own messages (no other person's is reachable: 404), opening one marks it
read and goes to what it is about, 全部已读, and the unread count the menu polls."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from ..database import begin_write_transaction
from ..extensions import db
from ..timeutil import utcnow
from ..web.htmx import after_post, render_page
from . import kinds, services

bp = Blueprint("messages", __name__)
PAGE = "messages/index.html"
# htmx stops polling on this status (the person signed out meanwhile).
STOP_POLLING = 286


def _page_number() -> int:
    value = request.args.get("page", "1")
    return min(int(value), services.MAX_PAGE) if value.isdigit() and int(value) >= 1 else 1


def _context(page: int) -> dict:
    return {"inbox": services.inbox(current_user.id, page), "label": kinds.label}


@bp.get("/me/messages")
@login_required
def index():
    return render_page(PAGE, "inbox_panel", **_context(_page_number()))


@bp.get("/me/messages/<int:message_id>")
@login_required
def open_one(message_id: int):
    """Mark read and go to what the message is about. A write on a GET: the read the login began ends first,
    then the write lock (on SQLite a read snapshot must not be upgraded to a write)."""
    user_id = current_user.id
    db.session.rollback()
    begin_write_transaction()
    message = services.open_message(user_id, message_id, utcnow())
    if message is None:
        abort(404)
    db.session.commit()
    # Our own paths only: never send anyone to another site from here.
    link = message.link if message.link.startswith("/") and not message.link.startswith("//") else ""
    return redirect(link or url_for(".index"), code=303)


@bp.post("/me/messages/read-all")
@login_required
def read_all():
    count = services.mark_all_read(current_user.id, utcnow())
    db.session.commit()
    return after_post(url_for(".index"), PAGE, "inbox_panel", f"{count}条消息已标为已读" if count else "没有未读消息",
                      **_context(1))


@bp.get("/me/messages/unread")
def unread():
    """The menu's unread count, polled by htmx: one indexed query, no session write, never cached."""
    if not current_user.is_authenticated:
        response = make_response("", STOP_POLLING)
    else:
        response = make_response(render_template("messages/_unread.html", count=services.unread_count(current_user.id),
                                                 poll_seconds=current_app.config["UNREAD_POLL_SECONDS"]))
    response.headers["Cache-Control"] = "no-store"
    return response
