"""Check-in (签到) rules and codes: pure functions, no Flask, no database."""
from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta

from ..phones import ascii_digits

OPENS_BEFORE = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=15)
MAX_WRONG_CODES = 10
NOT_OPEN = "还没到签到时间（活动开始前1小时开放）"
CLOSED = "活动已结束，不能再签到"
WRONG_CODE = "签到码不对，请看清队长手机上的6位数字"
TOO_MANY_WRONG = "签到码错误次数太多，请找队长直接签到"
NOT_SIGNED_UP = "您没有报名这个活动，请找队长登记"


def code_for(secret: str, activity_id: int) -> str:
    """A 6-digit code for one activity: unguessable without the server's secret and
    different for every activity, so a code cannot be reused elsewhere."""
    digest = hmac.new(secret.encode(), f"checkin:{activity_id}".encode(), hashlib.sha256).digest()
    return f"{int.from_bytes(digest[:8], 'big') % 1_000_000:06d}"


def code_matches(secret: str, activity_id: int, typed: str) -> bool:
    typed = ascii_digits(typed.strip())
    return hmac.compare_digest(code_for(secret, activity_id), typed)


def window_refusal(starts_at: datetime, ends_at: datetime, now: datetime) -> str | None:
    """Check-in works from an hour before the start until the end."""
    if now < starts_at - OPENS_BEFORE:
        return NOT_OPEN
    if now > ends_at:
        return CLOSED
    return None


def arrival_status(starts_at: datetime, now: datetime) -> str:
    return "late" if now > starts_at + LATE_AFTER else "present"
