"""Files the site hands out: how their names travel (any domain may import this; it knows no Flask)."""
from __future__ import annotations

import re
from urllib.parse import quote


def attachment(readable: str, fallback: str) -> str:
    """Content-Disposition: an ASCII name for old clients and the Chinese one (RFC 6266 filename*)."""
    readable = re.sub(r'[\s\\/:*?"<>|]+', "", readable)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(readable, safe='')}"
