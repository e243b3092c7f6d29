"""Configuration. This module is the only reader of environment variables."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from .imports.file_checks import MAX_FILE_BYTES

PROJECT_ROOT = Path(__file__).resolve().parent.parent
INSTANCE_DIR = Path(os.environ.get("SHEQU_INSTANCE_DIR", PROJECT_ROOT / "instance"))


def normalise_database_url(url: str) -> str:
    """Point plain postgres URLs at psycopg 3, the only PostgreSQL driver we ship."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _persistent_dev_secret() -> str:
    """A secret key kept in instance/ so every worker process and restart shares it."""
    INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
    path = INSTANCE_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
    return path.read_text().strip()


def _whole_number(name: str, default: int, least: int = 0) -> int:
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < least:
        raise RuntimeError(f"{name} must be a whole number ≥ {least}, not {text!r}")
    return int(text)


class Config:
    SQLALCHEMY_ENGINE_OPTIONS: dict = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None  # tied to the session; elderly users leave forms open for long
    # Login throttling: failures counted in the database so every worker sees them.
    LOGIN_MAX_FAILURES_PER_PHONE = int(os.environ.get("LOGIN_MAX_FAILURES_PER_PHONE", 5))
    LOGIN_MAX_FAILURES_PER_IP = int(os.environ.get("LOGIN_MAX_FAILURES_PER_IP", 30))
    LOGIN_WINDOW_MINUTES = 15
    # A signed-in device not used for this many days is ended at its next use (`accounts.devices.idle_since`).
    # Long on purpose: many older residents open the site only for a few activities a year, and having to
    # ask for a reset slip is worse for them than a phone left signed in; three months still ends the
    # forgotten ones (a borrowed phone, a sold one) and lets housekeeping delete them.
    SESSION_IDLE_DAYS = _whole_number("SESSION_IDLE_DAYS", 90, least=1)
    # How many reverse proxies stand in front of the site (nginx in front of gunicorn: 1). Only then are the
    # X-Forwarded-For/-Proto/-Host headers they set believed: the client's own address for the login limits
    # (else every login would share the proxy's address, and one limit and one lock), https and the public host
    # for the links in QR codes, feeds and posts. 0, the default, believes none, so no client can forge them.
    TRUSTED_PROXIES = _whole_number("TRUSTED_PROXIES", 0)
    ICAL_UID_DOMAIN = os.environ.get("ICAL_UID_DOMAIN", "shequ-volunteer.cn")
    # Only the deliberately naive sign-up route used by the race test reads this.
    ENABLE_NAIVE_SIGNUP_FOR_TESTS = os.environ.get("SHEQU_NAIVE_SIGNUP") == "1"
    COMMUNITY_HOTLINE = os.environ.get("COMMUNITY_HOTLINE", "")
    # The site's address for links in work-group posts queued outside a request (jobs); e.g. https://zhiyuan.example.cn
    SITE_URL = os.environ.get("SITE_URL", "")
    # The outbox: seconds a group robot may take to answer; http://127.0.0.1:<port> robots (tests only).
    OUTBOX_TIMEOUT_SECONDS = float(os.environ.get("OUTBOX_TIMEOUT_SECONDS", 5))
    OUTBOX_ALLOW_LOCAL_WEBHOOKS = False
    # How long one run-jobs may go on delivering the outbox, batch after batch, before leaving the rest to the next.
    OUTBOX_RUN_SECONDS = float(os.environ.get("OUTBOX_RUN_SECONDS", 60))
    # How often an open page asks for the menu's unread count (我的消息).
    UNREAD_POLL_SECONDS = int(os.environ.get("UNREAD_POLL_SECONDS", 60))
    # Strict-Transport-Security max-age; only where the site is served over HTTPS (production).
    HSTS_MAX_AGE: int | None = None
    # flask-compress: text answers, feeds included, compressed when the client accepts it.
    COMPRESS_MIMETYPES = ["text/html", "text/css", "text/javascript", "application/javascript",
                          "application/json", "text/calendar", "text/plain", "image/svg+xml"]
    # Streamed answers (static files) may be gzipped too: Chromium offers only gzip and deflate over http.
    COMPRESS_ALGORITHM_STREAMING = ["zstd", "br", "gzip", "deflate"]
    # No request body past this is read (refused from its Content-Length): the largest is an imported list
    # (imports/file_checks.MAX_FILE_BYTES) with its form around it.
    MAX_CONTENT_LENGTH = MAX_FILE_BYTES + 256 * 1024
    # Uploaded lists waiting for their preview to be confirmed (default: the instance folder's imports/).
    IMPORT_FOLDER: str | None = None

    def __init__(self) -> None:
        INSTANCE_DIR.mkdir(parents=True, exist_ok=True)
        self.SQLALCHEMY_DATABASE_URI = normalise_database_url(
            os.environ.get("DATABASE_URL", f"sqlite:///{INSTANCE_DIR / 'shequ.db'}")
        )
        self.SECRET_KEY = os.environ.get("SECRET_KEY") or _persistent_dev_secret()


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    HSTS_MAX_AGE = 365 * 24 * 3600

    def __init__(self) -> None:
        if not os.environ.get("SECRET_KEY"):
            raise RuntimeError("SECRET_KEY must be set in production")
        super().__init__()


def load_config() -> Config:
    """Pick the configuration class from SHEQU_ENV (development by default)."""
    if os.environ.get("SHEQU_ENV") == "production":
        return ProductionConfig()
    return Config()
