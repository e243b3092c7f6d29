"""Behind a reverse proxy (TRUSTED_PROXIES): the client's own address counts for the login limits, and links
carry the public scheme and host; without the setting, headers a client writes change nothing."""
from __future__ import annotations

import pytest

from tests import factories as f
from tests.conftest import running_app

PROXY = "127.0.0.1"  # every request reaches gunicorn from the proxy on the same host
LIMIT = 3


@pytest.fixture
def proxied(_migrated):
    with running_app(_migrated, TRUSTED_PROXIES=1, LOGIN_MAX_FAILURES_PER_IP=LIMIT, SERVER_NAME=None) as app:
        yield app


@pytest.fixture
def direct(_migrated):
    with running_app(_migrated, LOGIN_MAX_FAILURES_PER_IP=LIMIT, SERVER_NAME=None) as app:
        yield app


def from_address(app, address: str | None):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = PROXY
    if address:
        client.environ_base["HTTP_X_FORWARDED_FOR"] = address
    return client


def fail_logins(client, count: int) -> None:
    for n in range(count):
        response = client.post("/login", data={"phone": f"1390000{n:04d}", "password": "wrong-password"})
        assert response.status_code == 422


def test_behind_the_proxy_one_address_at_its_limit_does_not_lock_out_the_others(proxied):
    person = f.user(f.community(), "王大爷")
    fail_logins(from_address(proxied, "203.0.113.7"), LIMIT)
    neighbour = from_address(proxied, "203.0.113.8")
    assert f.login(neighbour, person).status_code == 303
    blocked = from_address(proxied, "203.0.113.7").post(
        "/login", data={"phone": person.phone, "password": f.PASSWORD})
    assert blocked.status_code == 429


def test_the_proxy_appends_the_real_address_so_a_forged_first_entry_changes_nothing(proxied):
    """nginx's $proxy_add_x_forwarded_for keeps what the client sent and appends the address it saw: only
    the last entry is the proxy's word."""
    person = f.user(f.community(), "王大爷")
    for n in range(LIMIT):
        fail_logins(from_address(proxied, f"198.51.100.{n}, 203.0.113.7"), 1)
    again = from_address(proxied, "198.51.100.99, 203.0.113.7")
    assert again.post("/login", data={"phone": person.phone, "password": f.PASSWORD}).status_code == 429


def test_without_the_setting_a_header_written_by_the_client_does_not_escape_the_limit(direct):
    person = f.user(f.community(), "王大爷")
    for n in range(LIMIT):
        fail_logins(from_address(direct, f"203.0.113.{n}"), 1)
    response = from_address(direct, "203.0.113.200").post(
        "/login", data={"phone": person.phone, "password": f.PASSWORD})
    assert response.status_code == 429


def test_links_in_printed_qr_codes_carry_the_public_https_address(proxied, direct):
    activity = f.activity(f.team(f.community()), title="义诊")
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "zhiyuan.example.cn"}
    poster = from_address(proxied, "203.0.113.7").get(f"/activities/{activity.id}/poster", headers=headers)
    assert poster.status_code == 200
    assert f"https://zhiyuan.example.cn/activities/{activity.id}" in poster.get_data(as_text=True)
    plain = from_address(direct, "203.0.113.7").get(f"/activities/{activity.id}/poster", headers=headers)
    assert "zhiyuan.example.cn" not in plain.get_data(as_text=True)
