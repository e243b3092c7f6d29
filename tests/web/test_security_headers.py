"""Security headers on every answer, no-store on what a signed-in person is shown, HSTS and a Secure
text-size cookie only in production, fingerprinted static files with a year's cache, compressed text."""
from __future__ import annotations

import gzip
import hashlib
import re
import uuid

import brotli
import pytest

from shequ_volunteer.config import PROJECT_ROOT
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.conftest import make_app

CSP = re.compile(r"^[^,]+$")  # one policy


def directives(response) -> dict[str, list[str]]:
    policy = response.headers["Content-Security-Policy"]
    assert CSP.match(policy), policy
    return {name: values for name, *values in (part.split() for part in policy.split(";") if part.strip())}


def assert_security_headers(response, where: str) -> None:
    policy = directives(response)
    for name in ("script-src", "style-src", "default-src"):
        assert policy[name] == ["'self'"], (where, name, policy)
    assert policy["frame-ancestors"] == ["'none'"], where
    assert policy["object-src"] == ["'none'"], where
    assert response.headers["X-Frame-Options"] == "DENY", where
    assert response.headers["X-Content-Type-Options"] == "nosniff", where
    assert response.headers["Referrer-Policy"] == "same-origin", where
    permissions = dict(item.strip().split("=", 1) for item in response.headers["Permissions-Policy"].split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb"):
        assert permissions[feature] == "()", (where, feature)
    assert "Strict-Transport-Security" not in response.headers, where  # not outside production


def test_every_kind_of_answer_carries_the_headers(app, client):
    home = f.community()
    activity = f.activity(f.team(home))
    answers = {
        "page": client.get("/"),
        "htmx fragment": client.get("/", headers={"HX-Request": "true", "HX-Target": "activity-list"}),
        "activity": client.get(f"/activities/{activity.id}"),
        "404": client.get("/no-such-page"),
        "redirect to login": client.get("/me/activities"),
        "static file": client.get("/static/css/site.css", buffered=True),
        "feed": client.get(f"/calendar/community/{home.id}.ics"),
        "POST refused": client.post("/login", data={"phone": "", "password": ""}),
    }
    for where, response in answers.items():
        assert_security_headers(response, where)


def test_anonymous_public_pages_stay_cacheable_by_default(app, client):
    home = f.community()
    activity = f.activity(f.team(home))
    for url in ("/", f"/activities/{activity.id}", "/teams"):
        assert "no-store" not in client.get(url).headers.get("Cache-Control", ""), url


def test_everything_a_signed_in_person_is_shown_is_no_store(app):
    home = f.community()
    staff = f.staff(home)
    household = f.household(home)
    team = f.team(home)
    activity = f.activity(team)
    client = f.logged_in(app, staff)
    for url in ("/", f"/activities/{activity.id}", f"/households/{household.id}", "/board", "/me/activities",
                "/people", "/reports", "/audit", f"/teams/{team.id}", "/me/profile", "/me/data"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "no-store", url
        assert_security_headers(response, url)
    # Static files keep their own long cache for a signed-in person too.
    link = re.search(r'href="(/static/css/site\.css\?v=\w+)"', client.get("/").get_data(True))[1]
    static = client.get(link, buffered=True)
    assert "immutable" in static.headers["Cache-Control"]


def test_a_view_that_chose_its_caching_keeps_it(app):
    home = f.community()
    activity = f.activity(f.team(home))
    client = f.logged_in(app, f.user(home))
    feed = client.get(f"/calendar/community/{home.id}.ics")
    assert feed.headers["Cache-Control"] in ("public, max-age=900", "max-age=900, public")
    assert client.get(f"/activities/{activity.id}").headers["Cache-Control"] == "no-store"


def test_hsts_and_a_secure_text_size_cookie_only_in_production(app, monkeypatch, _migrated):
    development = app.test_client()
    assert "Strict-Transport-Security" not in development.get("/login").headers
    cookie = development.post("/prefs/text-size").headers["Set-Cookie"]
    assert cookie.startswith("text_size=big") and "Secure" not in cookie

    monkeypatch.setenv("SHEQU_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-secret")
    production_app = make_app(_migrated)
    try:
        production = production_app.test_client()
        response = production.get("/login")
        assert response.headers["Strict-Transport-Security"] == "max-age=31536000"
        cookie = production.post("/prefs/text-size").headers["Set-Cookie"]
        assert cookie.startswith("text_size=big") and "; Secure" in cookie and "HttpOnly" in cookie
    finally:
        with production_app.app_context():  # no pooled connection outlives the test (a ResourceWarning later)
            db.engine.dispose()


# --- static files ---------------------------------------------------------------------------------

def static_links(html: str) -> list[str]:
    return re.findall(r'(?:href|src)="(/static/[^"]+)"', html)


@pytest.mark.parametrize("filename", ["css/site.css", "vendor/htmx-2.0.11.min.js", "js/copy.js"])
def test_pages_link_static_files_by_their_content_hash(app, client, filename):
    links = static_links(client.get("/login").get_data(as_text=True))
    digest = hashlib.sha256((PROJECT_ROOT / "static" / filename).read_bytes()).hexdigest()[:12]
    assert f"/static/{filename}?v={digest}" in links, links


def test_a_fingerprinted_file_is_immutable_for_a_year_and_a_bare_one_is_cached_briefly(app, client):
    link = next(url for url in static_links(client.get("/login").get_data(True)) if "site.css" in url)
    fingerprinted = client.get(link, buffered=True)
    assert fingerprinted.status_code == 200
    assert set(fingerprinted.headers["Cache-Control"].split(", ")) == {"public", "max-age=31536000", "immutable"}
    for bare in ("/static/css/site.css", "/static/css/site.css?v=000000000000"):
        response = client.get(bare, buffered=True)
        assert response.status_code == 200, bare
        assert response.data == fingerprinted.data
        assert set(response.headers["Cache-Control"].split(", ")) == {"public", "max-age=300"}, bare
    assert client.get("/static/css/no-such.css", buffered=True).status_code == 404


# --- compression ----------------------------------------------------------------------------------

# A page's CSRF token is signed with the second it was made (itsdangerous): two requests a second apart differ there.
SIGNED_TOKEN = re.compile(rb"[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{20,}")


def same_page(body: bytes, other: bytes) -> bool:
    return SIGNED_TOKEN.sub(b"TOKEN", body) == SIGNED_TOKEN.sub(b"TOKEN", other)


def test_text_is_compressed_when_the_client_accepts_it(app, client):
    home = f.community()
    activity = f.activity(f.team(home))
    htmx = next(url for url in static_links(client.get("/").get_data(True)) if "htmx" in url)
    for url in ("/", f"/activities/{activity.id}", htmx, f"/calendar/community/{home.id}.ics"):
        plain = client.get(url, buffered=True)
        assert "Content-Encoding" not in plain.headers, url
        zipped = client.get(url, headers={"Accept-Encoding": "gzip"}, buffered=True)
        assert zipped.headers["Content-Encoding"] == "gzip", url
        assert "Accept-Encoding" in zipped.headers["Vary"], url
        assert same_page(gzip.decompress(zipped.data), plain.data), url
        squeezed = client.get(url, headers={"Accept-Encoding": "br"}, buffered=True)
        assert squeezed.headers["Content-Encoding"] == "br", url
        assert same_page(brotli.decompress(squeezed.data), plain.data), url
    big = client.get(htmx, headers={"Accept-Encoding": "gzip, deflate, br"}, buffered=True)
    assert len(big.data) < len(client.get(htmx, buffered=True).data) / 2


def test_a_compressed_feed_still_answers_304_to_the_tag_it_was_sent_with(app, client):
    home = f.community()
    f.activity(f.team(home))
    url = f"/calendar/community/{home.id}.ics"
    for coding in ("gzip", "br"):
        first = client.get(url, headers={"Accept-Encoding": coding})
        assert first.status_code == 200 and first.headers["Content-Encoding"] == coding
        assert first.headers["ETag"].endswith(f':{coding}"'), first.headers["ETag"]
        again = client.get(url, headers={"Accept-Encoding": coding, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304, coding
        assert again.data == b""


def test_in_debug_mode_an_edited_file_gets_a_new_url_without_a_restart(app, client):
    from flask import url_for

    scratch = PROJECT_ROOT / "static" / "css" / f"scratch-{uuid.uuid4().hex}.css"
    try:
        scratch.write_text("body { color: black; }")
        with app.test_request_context():
            assert "v=" not in url_for("static", filename=f"css/{scratch.name}")  # not there at startup
            app.debug = True
            before = url_for("static", filename=f"css/{scratch.name}")
            scratch.write_text("body { color: #111; }")
            after = url_for("static", filename=f"css/{scratch.name}")
        assert "v=" in before and "v=" in after and before != after
        assert "immutable" in client.get(after, buffered=True).headers["Cache-Control"]
        assert "immutable" not in client.get(before, buffered=True).headers["Cache-Control"]
    finally:
        app.debug = False
        scratch.unlink(missing_ok=True)
