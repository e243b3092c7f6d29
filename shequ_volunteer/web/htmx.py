"""How views answer, htmx or not: a page or one block of it, a POST's outcome, a refusal.

The only place that reads or writes HX-* headers.
"""
from __future__ import annotations

from typing import Callable
from urllib.parse import urlsplit

from flask import Response, flash, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block

from ..database import begin_write_transaction
from ..extensions import db
from ..refusals import Refused


def is_htmx() -> bool:
    """True for any request htmx made, boosted or not."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """htmx asked for part of a page (boosted requests want the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


def current_page() -> str:
    """The path and query of the page htmx sent this request from ("" when not known)."""
    current = urlsplit(request.headers.get("HX-Current-URL", ""))
    return current.path + (f"?{current.query}" if current.query else "")


def swap_target_id() -> str | None:
    """The id of the element htmx will swap the answer into (None for a plain request)."""
    target = request.headers.get("HX-Target", "") if wants_fragment() else ""
    return target if target.replace("-", "").replace("_", "").isalnum() and target.isascii() else None


def render_page(template: str, block: str | None = None, status: int = 200, **context) -> Response:
    """Render the page, or only `block` of it for an htmx partial request."""
    if block and wants_fragment():
        body = render_block(template, block, **context)
    else:
        body = render_template(template, **context)
    response = make_response(body, status)
    response.vary.add("HX-Request")
    return response


def after_post(target_url: str, template: str, block: str, message: str | None = None,
               status: int = 200, **context) -> Response:
    """A successful POST: htmx gets the refreshed fragment (showing `message`),
    a plain form a 303 redirect with `message` flashed for the next page."""
    if wants_fragment():
        return render_page(template, block, status=status, message=message, **context)
    if message:
        flash(message)
    return redirect(target_url, code=303)


def answer_refusal(refusal: Refused, render: Callable[..., Response], form=None, field: str | None = None,
                   keep: Callable[[], None] | None = None) -> Response:
    """Answer a refused action, htmx or plain form alike: roll back what it half did, then re-render.

    The message goes next to the field the refusal names, or `field`, where this view puts the
    refusals that name none; then the answer is 422. With `form` (a WTForms form) it joins that
    field's errors and `render(status=...)` shows the form again; without, `render(status=...,
    message=..., message_error=True)` shows it. A refusal by no field is answered 409.
    `keep` writes what must outlive the refusal (an access-log row, a wrong-code count), in a
    write transaction of its own after the rollback: begun as a write (BEGIN IMMEDIATE on SQLite), as
    the request's own was, since a plain BEGIN that reads and then writes is refused the lock
    (`database is locked`) when another request wrote meanwhile.
    """
    db.session.rollback()
    if keep is not None:
        begin_write_transaction()
        keep()
        db.session.commit()
    by_field = refusal.field or field
    status = 422 if by_field else 409
    if form is not None and by_field:
        form[by_field].errors.append(refusal.message)
        return render(status=status)
    return render(status=status, message=refusal.message, message_error=True)


def after_decision(decide: Callable[[], object], done: str, target_url: str, template: str, block: str,
                   context: Callable[[], dict]) -> Response:
    """An approve/decline button on a waiting list (team applications, 补录): commit and say `done`;
    when someone decided first, roll back and say so instead. Either way the refreshed list for htmx,
    or a 303 back to it; `context` is read after the commit or rollback, so it shows the new state."""
    try:
        decide()
    except Refused as refusal:
        db.session.rollback()
        message = refusal.message
    else:
        db.session.commit()
        message = done
    return after_post(target_url, template, block, message, **context())


def client_redirect(url: str, status: int = 200) -> Response:
    """Make htmx navigate the whole window (never swap a foreign page into a fragment)."""
    response = make_response("", status)
    response.headers["HX-Redirect"] = url
    return response


def mark_refresh(response: Response) -> Response:
    """Ask htmx to reload the whole page."""
    response.headers["HX-Refresh"] = "true"
    return response


def retarget(response: Response, selector: str) -> Response:
    """Swap the answer into another element than the one that asked (outerHTML)."""
    response.headers["HX-Retarget"] = selector
    response.headers["HX-Reswap"] = "outerHTML"
    return response
