"""Keep feed secrets out of logs: calendar apps put them in the URL, and access logs
(gunicorn's, werkzeug's) write URLs down. A filter on those loggers masks them."""
from __future__ import annotations

import logging
import re

FEED_SECRET = re.compile(r"(/calendar/(?:me|team-live)/)[A-Za-z0-9_-]+")
# Access logs, and the app's own logger: Flask logs "Exception on /calendar/me/… [GET]".
LOGGERS = ("gunicorn.access", "gunicorn.error", "werkzeug", "shequ_volunteer", "flask.app")


def redact(text: str) -> str:
    return FEED_SECRET.sub(r"\1[secret]", text)


class RedactFeedSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if FEED_SECRET.search(message):
            record.msg, record.args = redact(message), None
        return True


def install() -> None:
    for name in LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, RedactFeedSecrets) for f in logger.filters):
            logger.addFilter(RedactFeedSecrets())
