"""The only place that reads or writes HX-* headers."""
from __future__ import annotations

from flask import Response, flash, make_response, redirect, render_template, request
from jinja2_fragments.flask import render_block


def is_htmx() -> bool:
    """True for any request htmx made, boosted or not."""
    return request.headers.get("HX-Request") == "true"


def wants_fragment() -> bool:
    """htmx asked for part of a page (boosted requests want the whole page)."""
    return is_htmx() and request.headers.get("HX-Boosted") != "true"


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
