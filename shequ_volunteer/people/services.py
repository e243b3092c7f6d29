"""Issuing one-time codes (staff) and using them (the person): the use cases around accounts.codes,
with their audit rows and the calendar links a reset may stop."""
from __future__ import annotations

from datetime import datetime, timedelta

from ..accounts import codes
from ..accounts.actor import Actor, actor_for
from ..accounts.models import ONE_TIME_OPEN, ONE_TIME_RESET, User
from ..accounts.privacy import PRIVACY_CONSENT_NEEDED, record_agreement
from ..audit import models as audit
from ..audit.services import record
from ..calendar import tokens
from ..database import lock_row
from ..refusals import Refused

ISSUED_KINDS = {ONE_TIME_OPEN: audit.OPENING_CODE_ISSUED, ONE_TIME_RESET: audit.RESET_CODE_ISSUED}
USED_KINDS = {ONE_TIME_OPEN: audit.ACCOUNT_OPENED, ONE_TIME_RESET: audit.PASSWORD_RESET}


def issue_code(actor: Actor, person: User, purpose: str, stop_calendar: bool, now: datetime,
               secret_key: str) -> codes.IssuedCode:
    """A code for a person of the staff member's community: 开通账号 for someone registered on their
    behalf, 重设密码 for someone with a login. A reset logs the person out everywhere at once (the
    usual case is a lost phone) and, when staff choose, stops their calendar links."""
    lock_row(User, person.id)  # issued twice at once: the later voids the earlier, one code is live
    if not actor.can_manage_community(person.community_id) or person.closed_at is not None:
        raise Refused("只能为本社区的居民发放验证码")
    if person.id == actor.user_id:
        raise Refused("不能给自己发放验证码，请另一位社区工作人员帮您")
    if not person.is_active:
        raise Refused("这个账号已停用，请先恢复账号")
    if purpose == ONE_TIME_OPEN and person.can_log_in:
        raise Refused("他已经开通账号了；忘记密码请用“重设密码”")
    if purpose == ONE_TIME_RESET and not person.can_log_in:
        raise Refused("他还没有开通账号，请用“开通账号”")
    issued = codes.issue(person, purpose, actor.user_id, now, secret_key)
    summary = f"验证码{codes.CODE_LIFETIME // timedelta(hours=1)}小时内有效，此前未用的验证码作废"
    if purpose == ONE_TIME_RESET:
        person.end_all_sessions(now)
        summary += "；已在所有设备上退出登录"
        if stop_calendar:
            tokens.revoke(person.id, now, by_id=actor.user_id)
            summary += "；日历订阅链接已停用"
    record(actor, ISSUED_KINDS[purpose], person, summary, now, community_id=person.community_id)
    return issued


def set_password_with_code(result: codes.CodeCheck, agreed: bool, now: datetime) -> User:
    """The checked code's person sets their password: the code is used up, every other session ends,
    an account opened this way records the privacy notice agreed to. The person's own audit row."""
    if result.purpose == ONE_TIME_OPEN and not agreed:
        raise Refused(PRIVACY_CONSENT_NEEDED, "agree")
    person = codes.consume(result, now)
    if person is None:
        raise Refused(codes.WRONG_CODE, "code")  # used or voided by another request meanwhile
    if agreed:
        record_agreement(person, now)
    record(actor_for(person), USED_KINDS[result.purpose], person, "用社区发放的验证码设置了密码", now,
           community_id=person.community_id)
    return person
