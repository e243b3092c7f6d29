"""Static files a cheap phone fetches once: fingerprinted URLs with a year-long immutable cache.

`url_for('static', filename=...)` adds `?v=<content hash>` (hashes computed once, when the app is
built), so a changed file gets a new URL and a phone never revalidates the one it has: on a slow link
each revalidation is a round trip of ~400 ms before the page can render. A request without the current
hash (an old page, a typed URL) is still served, with a short cache. Compression is flask-compress's
(extensions.compress), not ours.
"""
from __future__ import annotations

import hashlib
from pathlib import Path

from flask import Flask, request
from werkzeug.security import safe_join

IMMUTABLE = 365 * 24 * 3600
SHORT = 300


def content_hash(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def content_hashes(folder: Path) -> dict[str, str]:
    """filename (as url_for receives it, with forward slashes) → the first 12 hex digits of its SHA-256."""
    return {path.relative_to(folder).as_posix(): content_hash(path)
            for path in sorted(folder.rglob("*")) if path.is_file()}


def register(app: Flask) -> None:
    folder = Path(app.static_folder)
    hashes = content_hashes(folder)

    def digest(filename: str | None) -> str | None:
        if filename and app.debug:  # a developer edits CSS without restarting: hash what is there now
            path = safe_join(str(folder), filename)
            return content_hash(Path(path)) if path and Path(path).is_file() else None
        return hashes.get(filename)

    @app.url_defaults
    def fingerprint(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values:
            current = digest(values.get("filename"))
            if current:
                values["v"] = current

    send_static = app.view_functions["static"]

    def static(filename: str):
        response = send_static(filename=filename)
        # flask-compress swaps a streamed body for its compressing generator, which never closes the
        # file it reads from: close the file with the response, whoever iterated it.
        if hasattr(response.response, "close"):
            response.call_on_close(response.response.close)
        fingerprinted = request.args.get("v") == digest(filename)
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = IMMUTABLE if fingerprinted else SHORT
        response.cache_control.immutable = fingerprinted or None
        return response

    app.view_functions["static"] = static
