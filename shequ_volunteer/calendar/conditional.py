"""Conditional GET for feeds, decided from a validator before anything is rendered (pure).

Calendar apps poll every feed every few minutes to hours; most polls find nothing new, so the
304 path must not render the feed (hashing a rendered body would cost the render it saves).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime

from werkzeug.http import http_date, parse_date, parse_etags


@dataclass(frozen=True)
class Validator:
    etag: str  # strong: any change that alters the rendered bytes changes it
    last_modified: datetime  # naive UTC, whole seconds

    @classmethod
    def of(cls, parts: tuple, last_modified: datetime | None) -> Validator:
        digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:32]
        return cls(etag=digest, last_modified=(last_modified or datetime(2020, 1, 1)).replace(microsecond=0))

    @property
    def http_last_modified(self) -> str:
        return http_date(self.last_modified.replace(tzinfo=UTC))


# flask-compress sends a compressed feed with its strong ETag suffixed by the coding ("<etag>:gzip"),
# since the compressed bytes are another representation; a client then sends that tag back.
CONTENT_CODINGS = ("zstd", "br", "gzip", "deflate")


def not_modified(validator: Validator, if_none_match: str | None, if_modified_since: str | None) -> bool:
    """RFC 9110 13.2.2: If-None-Match, when present, decides alone; If-Modified-Since only
    without it, and an unparseable date is ignored (the full feed is sent)."""
    if if_none_match:
        etags = parse_etags(if_none_match)
        return etags.star_tag or any(etags.contains_weak(tag) for tag in (
            validator.etag, *(f"{validator.etag}:{coding}" for coding in CONTENT_CODINGS)))
    if if_modified_since:
        since = parse_date(if_modified_since)
        if since is None:
            return False
        return validator.last_modified <= since.replace(tzinfo=None)
    return False
