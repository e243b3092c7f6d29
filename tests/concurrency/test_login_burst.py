"""The guessing limits hold under a burst: 20 wrong passwords (or one-time codes) for one phone released at
once against the real server (4 processes × 4 threads) check at most the limit; the rest hear 尝试次数太多
without a check.

Each attempt is counted before its password is checked (accounts.services.reserve_attempt), so the
count of LoginFailure rows and the answers tell how many passwords were checked: every 422 is one.
"""
from __future__ import annotations

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select

from shequ_volunteer.accounts.codes import WRONG_CODE
from shequ_volunteer.accounts.models import LoginFailure
from shequ_volunteer.accounts.services import TOO_MANY_ATTEMPTS, WRONG_CREDENTIALS
from shequ_volunteer.config import Config
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.racing import TOKEN, at_once

pytestmark = pytest.mark.slow

GUESSES = 20
LIMIT = Config.LOGIN_MAX_FAILURES_PER_PHONE


def guesser(base_url: str):
    session = requests.Session()
    token = TOKEN.search(session.get(f"{base_url}/login", timeout=30).text).group(1)
    return session, token


WRONG_CODE_FORM = {"code": "00000000", "password": "new-pass-2026", "password_again": "new-pass-2026"}


@pytest.mark.parametrize("path, guess, wrong_key, wrong_message", [
    ("/login", {"password": "not-her-password"}, "phone", WRONG_CREDENTIALS),
    ("/account/code", WRONG_CODE_FORM, "code", WRONG_CODE),
], ids=["password", "code"])
def test_a_burst_of_wrong_guesses_checks_at_most_the_limit(app, live_server, path, guess, wrong_key, wrong_message):
    person = f.user(f.community(), "王秀英")
    phone = person.phone
    with ThreadPoolExecutor(max_workers=8) as pool:
        guessers = list(pool.map(lambda _: guesser(live_server.base_url), range(GUESSES)))

    answers = at_once(guessers, lambda g: g[0].post(
        f"{live_server.base_url}{path}", data={"phone": phone, **guess, "csrf_token": g[1]},
        allow_redirects=False, timeout=120))

    statuses = Counter(answer.status_code for answer in answers)
    print(f"{GUESSES} wrong {path} at once: {dict(statuses)}")
    assert statuses == {422: LIMIT, 429: GUESSES - LIMIT}, statuses
    assert all(wrong_message in a.text for a in answers if a.status_code == 422)
    assert all(re.sub(r"\s+", "", TOO_MANY_ATTEMPTS) in re.sub(r"\s+", "", a.text)
               for a in answers if a.status_code == 429)
    db.session.rollback()
    counted = db.session.scalar(select(func.count()).select_from(LoginFailure)
                                .where(LoginFailure.key == f"{wrong_key}:{phone}"))
    assert counted == LIMIT
    for session, _ in guessers:
        session.close()
