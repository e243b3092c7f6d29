"""One-time codes: random, kept only as a keyed hash, 72 hours, once, the latest only, five wrong tries;
and the use cases around them (who may be given one, what a reset stops, what opening records)."""
from __future__ import annotations

from datetime import datetime, timedelta
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from shequ_volunteer.accounts import codes
from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import LoginFailure, OneTimeCode, User
from shequ_volunteer.accounts.passwords import verify_password
from shequ_volunteer.accounts.privacy import PRIVACY_VERSION
from shequ_volunteer.accounts.services import TOO_MANY_ATTEMPTS, give_back
from shequ_volunteer.calendar import tokens
from shequ_volunteer.extensions import db
from shequ_volunteer.people import services
from shequ_volunteer.refusals import Refused
from tests import factories as f

NOW = datetime(2026, 11, 22, 2, 0)  # 10:00 in Beijing
LIMITS = {"per_phone": 5, "per_ip": 30, "window_minutes": 15}
NO_LIMITS = {"per_phone": 1000, "per_ip": 1000, "window_minutes": 15}  # to watch the per-code count alone
NEW_PASSWORD = "new-pass-2026"
ADDR = "10.0.0.1"


@pytest.fixture
def w(app):
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    unopened = f.user(home, "李阿姨")
    unopened.password_hash = ""  # registered on her behalf (代报名)
    db.session.commit()
    return SimpleNamespace(home=home, staff=f.staff(home), foreign_staff=f.staff(elsewhere, "外社工"),
                           unopened=unopened, resident=f.user(home, "王大爷"), key=app.config["SECRET_KEY"])


def issue(w, person, purpose="reset", now=NOW, stop_calendar=False):
    issued = services.issue_code(actor_for(w.staff), person, purpose, stop_calendar, now, w.key)
    db.session.commit()
    return issued


def check(w, person, code, now=NOW, limits=LIMITS, addr=ADDR):
    """What the page does first: count the try, check the code, and take the count back if it was right."""
    attempt = codes.reserve(person.phone, addr, now, limits)
    if attempt is None:
        return codes.CodeCheck(person.phone, addr, TOO_MANY_ATTEMPTS)
    result = codes.check(person.phone, code, NEW_PASSWORD, addr, now, w.key)
    if result.refusal is None:
        give_back(attempt)
    return result


def enter(w, person, code, now=NOW, agreed=True, limits=LIMITS):
    """What the page does: check, then count a wrong code or use the right one."""
    result = check(w, person, code, now, limits)
    if result.refusal == codes.WRONG_CODE:
        codes.record_failure(result, now)
    elif result.refusal is None:
        services.set_password_with_code(result, agreed, now)
    db.session.commit()
    return result


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 10 ** 8:08d}"


def test_codes_are_eight_random_digits():
    drawn = [codes.new_code() for _ in range(300)]
    assert all(len(code) == 8 and code.isascii() and code.isdigit() for code in drawn)
    assert len(set(drawn)) >= 299  # 10^8 of them: a repeat in 300 draws is a one-in-2000 event
    assert len({code[0] for code in drawn}) == 10  # every leading digit, zero too


def test_only_a_keyed_hash_is_stored(w):
    issued = issue(w, w.resident)
    row = db.session.scalar(select(OneTimeCode))
    stored = " ".join(str(value) for value in db.session.execute(select(OneTimeCode.__table__)).one())
    assert issued.code not in stored and issued.grouped not in stored
    assert row.code_hash == codes.code_hash(w.resident.id, issued.code, w.key)
    assert row.code_hash != codes.code_hash(w.resident.id, issued.code, "another-secret-key")
    assert row.code_hash != codes.code_hash(w.unopened.id, issued.code, w.key)  # bound to the person


def test_a_code_lives_72_hours(w):
    issued = issue(w, w.resident)
    assert issued.expires_at == NOW + timedelta(hours=72)
    just_before = NOW + timedelta(hours=72) - timedelta(seconds=1)
    assert check(w, w.resident, issued.code, now=just_before).refusal is None
    assert check(w, w.resident, issued.code, now=NOW + timedelta(hours=72)).refusal == codes.WRONG_CODE


def test_a_code_works_once(w):
    issued = issue(w, w.resident)
    assert enter(w, w.resident, issued.code).refusal is None
    person = db.session.get(User, w.resident.id)
    assert verify_password(person.password_hash, NEW_PASSWORD)
    assert db.session.scalar(select(OneTimeCode.used_at)) == NOW
    assert check(w, w.resident, issued.code, now=NOW + timedelta(minutes=1)).refusal == codes.WRONG_CODE


def test_a_used_code_checked_twice_is_used_once(w):
    """Two requests that both checked the right code: the second to write is refused, writes nothing."""
    issued = issue(w, w.resident)
    first, second = check(w, w.resident, issued.code), check(w, w.resident, issued.code)
    services.set_password_with_code(first, False, NOW)
    db.session.commit()
    version = db.session.get(User, w.resident.id).session_version
    with pytest.raises(Refused) as refused:
        services.set_password_with_code(second, False, NOW)
    db.session.rollback()
    assert refused.value.field == "code"
    assert db.session.get(User, w.resident.id).session_version == version


def test_a_new_code_voids_the_earlier_one(w):
    first = issue(w, w.resident)
    second = issue(w, w.resident, now=NOW + timedelta(minutes=5))
    later = NOW + timedelta(minutes=6)
    assert check(w, w.resident, first.code, now=later).refusal == codes.WRONG_CODE
    assert check(w, w.resident, second.code, now=later).refusal is None
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)
                             .where(OneTimeCode.voided_at.is_not(None))) == 1


def test_five_wrong_tries_kill_the_code(w):
    issued = issue(w, w.resident)
    for attempt in range(codes.MAX_WRONG_TRIES):
        assert check(w, w.resident, issued.code, limits=NO_LIMITS).refusal is None, attempt  # still alive
        assert enter(w, w.resident, wrong(issued.code), limits=NO_LIMITS).refusal == codes.WRONG_CODE
    row = db.session.scalar(select(OneTimeCode))
    assert row.wrong_attempts == 5 and row.voided_at == NOW
    assert check(w, w.resident, issued.code, limits=NO_LIMITS).refusal == codes.WRONG_CODE


def test_wrong_tries_are_counted_per_phone_in_the_database(w):
    """Rows, not memory: five wrong codes from five addresses stop the sixth try, the right code too."""
    issued = issue(w, w.resident)
    for n in range(LIMITS["per_phone"]):
        result = check(w, w.resident, wrong(issued.code), addr=f"10.0.1.{n}")
        codes.record_failure(result, NOW)
        db.session.commit()
    assert db.session.scalar(select(func.count()).select_from(LoginFailure)
                             .where(LoginFailure.key == f"code:{w.resident.phone}")) == 5
    assert check(w, w.resident, issued.code, addr="10.9.9.9").refusal == TOO_MANY_ATTEMPTS
    # The window passes: the count no longer stops anyone (the code itself died at its fifth wrong try).
    after = NOW + timedelta(minutes=16)
    assert check(w, w.resident, issued.code, now=after).refusal == codes.WRONG_CODE


def test_a_code_for_another_phone_is_wrong_and_counts_against_that_phone(w):
    mine = issue(w, w.resident)
    theirs = issue(w, w.unopened, purpose="open")
    assert enter(w, w.unopened, mine.code).refusal == codes.WRONG_CODE
    rows = {code.user_id: code.wrong_attempts for code in db.session.scalars(select(OneTimeCode))}
    assert rows == {w.resident.id: 0, w.unopened.id: 1}
    assert check(w, w.unopened, theirs.code).refusal is None
    assert check(w, w.resident, mine.code).refusal is None


def test_unknown_phones_and_stopped_accounts_get_the_same_answer(w):
    issued = issue(w, w.resident)
    stranger = SimpleNamespace(phone="13700000000")
    assert check(w, stranger, issued.code).refusal == codes.WRONG_CODE
    db.session.get(User, w.resident.id).deactivated_at = NOW
    db.session.commit()
    assert check(w, w.resident, issued.code).refusal == codes.WRONG_CODE


def test_a_reset_ends_every_session_at_once(w):
    version = w.resident.session_version
    issue(w, w.resident)
    assert db.session.get(User, w.resident.id).session_version == version + 1


def test_calendar_links_stop_only_when_staff_choose(w):
    tokens.issue(w.resident.id, "mine", NOW)
    db.session.commit()
    issue(w, w.resident)
    assert len(tokens.active(w.resident.id)) == 1
    issue(w, w.resident, stop_calendar=True)
    assert tokens.active(w.resident.id) == []


def test_opening_needs_the_privacy_agreement_and_records_it(w):
    issued = issue(w, w.unopened, purpose="open")
    with pytest.raises(Refused) as refused:
        services.set_password_with_code(check(w, w.unopened, issued.code), False, NOW)
    db.session.rollback()
    assert refused.value.field == "agree"
    assert check(w, w.unopened, issued.code).refusal is None  # not used up by the refusal
    enter(w, w.unopened, issued.code, agreed=True)
    person = db.session.get(User, w.unopened.id)
    assert person.can_log_in and person.privacy_version == PRIVACY_VERSION and person.privacy_agreed_at == NOW


@pytest.mark.parametrize("purpose, who, message", [
    ("open", "resident", "已经开通"),
    ("reset", "unopened", "还没有开通"),
    ("reset", "staff", "不能给自己"),
])
def test_codes_fit_the_person(w, purpose, who, message):
    with pytest.raises(Refused, match=message):
        services.issue_code(actor_for(w.staff), getattr(w, who), purpose, False, NOW, w.key)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)) == 0


def test_staff_of_another_community_and_stopped_accounts_get_no_code(w):
    with pytest.raises(Refused):
        services.issue_code(actor_for(w.foreign_staff), w.resident, "reset", False, NOW, w.key)
    db.session.rollback()
    db.session.get(User, w.resident.id).deactivated_at = NOW
    db.session.commit()
    with pytest.raises(Refused, match="已停用"):
        services.issue_code(actor_for(w.staff), db.session.get(User, w.resident.id), "reset", False, NOW, w.key)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(OneTimeCode)) == 0
