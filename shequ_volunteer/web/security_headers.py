"""The security headers of every response, set in one place.

- Content-Security-Policy: scripts and styles only from our own files (no inline script, no inline
  style, no eval: htmx's indicator style and eval are switched off in base.html's htmx-config), no
  plugins, no framing by anyone (click-jacking of 我要报名 or 取消这个活动), forms only to us.
- Referrer-Policy same-origin: a calendar feed's secret link never leaves in a Referer.
- Permissions-Policy: nothing the site does not use. Check-in QR codes are scanned by the phone's own
  camera app, never by our page, so the camera is denied too; the copy buttons write the clipboard.
- HSTS only where the site is served over HTTPS, i.e. in production (config.ProductionConfig).
- Cache-Control no-store on everything a signed-in person is shown (household records, the board,
  我的…, people, reports, audit, the code slip): a shared computer's back button or disk cache must not
  show a household's record after logout. Rather than a list of endpoints that would miss the next
  page, every response to a signed-in session is no-store unless its view chose its own caching.
"""
from __future__ import annotations

from flask import Flask, Response, current_app, g, request, session

CONTENT_SECURITY_POLICY = "; ".join((
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
))

# Features Chromium recognises (an unknown name, e.g. bluetooth, is a console warning on every page), each
# denied but writing the clipboard (the copy buttons). Reading the clipboard is left at its default (own
# origin, and only after the person allows it in a prompt): the browser tests read what was copied.
PERMISSIONS_POLICY = ", ".join((
    "accelerometer=()", "autoplay=()", "camera=()", "display-capture=()", "geolocation=()",
    "gyroscope=()", "hid=()", "magnetometer=()", "microphone=()", "midi=()", "payment=()",
    "publickey-credentials-get=()", "serial=()", "usb=()", "xr-spatial-tracking=()",
    "clipboard-write=(self)",
))

ALWAYS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "DENY",  # frame-ancestors for browsers that predate it
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Permissions-Policy": PERMISSIONS_POLICY,
}


def add_security_headers(response: Response) -> Response:
    for name, value in ALWAYS.items():
        response.headers.setdefault(name, value)
    max_age = current_app.config.get("HSTS_MAX_AGE")
    if max_age:
        response.headers.setdefault("Strict-Transport-Security", f"max-age={max_age}")
    if "Cache-Control" not in response.headers and request.endpoint != "static" and signed_in():
        response.headers["Cache-Control"] = "no-store"
    return response


def signed_in() -> bool:
    """Whether this request came with a signed-in session, without loading the person when the view
    did not (a feed poll must not cost a query): flask-login's user if loaded, else its session key."""
    user = g.get("_login_user")
    if user is not None:
        return bool(user.is_authenticated)
    return "_user_id" in session


def register(app: Flask) -> None:
    app.after_request(add_security_headers)
