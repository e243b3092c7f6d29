"""`flask create-admin`: the first administrator of a new installation, created on the server."""
from __future__ import annotations

import os
import pty
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.accounts.models import ROLE_ADMIN, User
from shequ_volunteer.accounts.passwords import verify_password
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.web.helpers import text

PROJECT = Path(__file__).resolve().parents[2]


def create_admin(runner, *args, password_input: str | None = "long-enough-1\n"):
    return runner.invoke(args=["create-admin", *args], input=password_input)


def users() -> list[User]:
    db.session.rollback()
    return list(db.session.scalars(select(User).order_by(User.id)))


def test_creates_the_administrator_with_the_password_from_standard_input(runner):
    result = create_admin(runner, "--phone", "13900000000", "--name", "张明")
    assert result.exit_code == 0, result.output
    assert "已创建系统管理员 张明" in result.output and "139****0000" in result.output
    [admin] = users()
    assert (admin.phone, admin.name, admin.role) == ("13900000000", "张明", ROLE_ADMIN)
    assert admin.community_id is None and admin.street_id is None
    assert verify_password(admin.password_hash, "long-enough-1")


def test_the_phone_is_read_as_people_type_it(runner):
    result = create_admin(runner, "--phone", "139-0000-0001", "--name", " 张明 ")
    assert result.exit_code == 0, result.output
    assert [(u.phone, u.name) for u in users()] == [("13900000001", "张明")]


@pytest.mark.parametrize("phone, name, password, message", [
    ("12345", "张明", "long-enough-1\n", "手机号：请填写11位手机号"),
    ("23900000000", "张明", "long-enough-1\n", "手机号：请填写11位手机号"),
    ("13900000000", "", "long-enough-1\n", "姓名：请填写姓名"),
    ("13900000000", "张" * 21, "long-enough-1\n", "姓名：姓名不能超过20个字"),
    ("13900000000", "张\x00明", "long-enough-1\n", "姓名：含有无法识别的字符"),
    ("13900000000", "张明", "short\n", "密码：密码需要8到128位"),
    ("13900000000", "张明", "", "密码：请设置密码"),
])
def test_bad_input_is_refused_in_chinese_and_creates_nothing(runner, phone, name, password, message):
    result = create_admin(runner, "--phone", phone, "--name", name, password_input=password)
    assert result.exit_code == 1
    assert "没有创建" in result.output and message in result.output
    assert users() == []


def test_a_phone_that_has_an_account_is_refused(app, runner):
    resident = f.user(f.community(), name="张秀英", phone="13800000003")
    result = create_admin(runner, "--phone", "13800000003", "--name", "张明")
    assert result.exit_code == 1 and "这个手机号已经有账号了" in result.output
    assert [(u.id, u.role) for u in users()] == [(resident.id, "resident")]
    assert create_admin(runner, "--phone", "13900000000", "--name", "张明").exit_code == 0
    assert create_admin(runner, "--phone", "13900000000", "--name", "李四").exit_code == 1
    assert [u.name for u in users()] == ["张秀英", "张明"]


def test_the_administrator_is_staff_of_no_community(app, runner):
    home = f.community()
    team = f.team(home)
    assert create_admin(runner, "--phone", "13900000000", "--name", "张明").exit_code == 0
    [admin] = users()
    actor = actor_for(admin)
    assert actor.is_admin and not actor.is_staff and not actor.is_viewer and actor.community_id is None
    assert actor.role_label == "系统管理员"
    assert not actor.can_manage_community(home.id) and not actor.can_manage_team(team)


def test_the_administrator_logs_in_and_sees_no_staff_page(app, runner):
    create_admin(runner, "--phone", "13900000000", "--name", "张明")
    f.community()
    client = app.test_client()
    response = client.post("/login", data={"phone": "13900000000", "password": "long-enough-1"})
    assert response.status_code == 303
    home = client.get("/")
    assert home.status_code == 200 and "张明（系统管理员）" in text(home)
    for path in ("/reports", "/households", "/board", "/hours/claims", "/reports/street"):
        assert client.get(path).status_code in (403, 404), path


def test_on_a_terminal_the_password_is_typed_twice(_migrated, app):
    """A real terminal (a pseudo-terminal) for the command's standard input: it prompts, hides, confirms."""
    process, main = start_on_a_terminal(_migrated)
    seen = b""
    for answer in (b"long-enough-1\n", b"long-enough-1\n"):
        seen += read_until(main, b":" if not seen else "再输入一次密码".encode())
        os.write(main, answer)
    assert process.wait(timeout=60) == 0
    seen += read_rest(main)
    output = seen.decode("utf-8", "replace")
    assert "密码（至少8位）" in output and "再输入一次密码" in output and "已创建系统管理员" in output
    assert "long-enough-1" not in output  # never echoed
    [admin] = users()
    assert verify_password(admin.password_hash, "long-enough-1")


def start_on_a_terminal(database_url: str) -> tuple[subprocess.Popen, int]:
    """`flask create-admin` in a process of its own whose standard streams are a pseudo-terminal."""
    main, secondary = pty.openpty()
    env = {**os.environ, "DATABASE_URL": database_url.replace("postgresql+psycopg://", "postgresql://")}
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", "create-admin", "--phone", "13900000000", "--name", "张明"],
        stdin=secondary, stdout=secondary, stderr=secondary, cwd=PROJECT, env=env, close_fds=True)
    os.close(secondary)
    return process, main


def read_until(fd: int, marker: bytes, timeout: float = 60) -> bytes:
    seen, deadline = b"", time.monotonic() + timeout
    while marker not in seen and time.monotonic() < deadline:
        seen += os.read(fd, 1024)
    return seen


def read_rest(fd: int) -> bytes:
    seen = b""
    try:
        while chunk := os.read(fd, 1024):
            seen += chunk
    except OSError:  # the terminal closed with the process
        pass
    return seen


def test_on_a_terminal_two_different_passwords_are_refused(_migrated, app):
    process, main = start_on_a_terminal(_migrated)
    read_until(main, b":")
    os.write(main, b"long-enough-1\n")
    read_until(main, "再输入一次密码".encode())
    os.write(main, b"long-enough-2\n")
    assert process.wait(timeout=60) == 1
    assert "两次输入的密码不一样" in read_rest(main).decode("utf-8", "replace")
    assert users() == []
