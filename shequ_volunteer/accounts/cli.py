"""`flask --app wsgi create-admin`: the first account of a new installation, made on the server."""
from __future__ import annotations

import sys

import click
from flask import current_app

from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from . import services
from .forms import AccountForm


def _password_from_stdin_or_prompt() -> str:
    """Typed twice at a hidden prompt on a terminal; the first line of standard input otherwise (scripts)."""
    if not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\r\n")
    password = click.prompt("密码（至少8位）", hide_input=True, default="", show_default=False)
    if click.prompt("再输入一次密码", hide_input=True, default="", show_default=False) != password:
        _refuse("两次输入的密码不一样")
    return password


def _checked(phone: str, name: str, password: str) -> tuple[str, str, list[str]]:
    """The phone and name as the registration form cleans them, and what that form finds wrong: the same
    rules as the browser's, so an administrator's account is no weaker than a resident's."""
    with current_app.test_request_context(method="POST", data={"phone": phone, "name": name, "password": password}):
        form = AccountForm(meta={"csrf": False})
        form.validate()
        problems = [f"{form[field].label.text}：{messages[0]}" for field, messages in form.errors.items()]
        return form.phone.data, form.name.data, problems


def _refuse(message: str) -> None:
    click.echo(f"没有创建：{message}", err=True)
    sys.exit(1)


@click.command("create-admin")
@click.option("--phone", required=True, help="管理员的11位手机号（登录用）")
@click.option("--name", required=True, help="管理员的姓名")
def create_admin_command(phone: str, name: str) -> None:
    """创建街道的系统管理员（第一个账号）。密码在提示时输入两次，或从标准输入读一行。"""
    password = _password_from_stdin_or_prompt()
    phone, name, problems = _checked(phone, name, password)
    if problems:
        _refuse("；".join(problems))
    try:
        user = services.create_admin(phone, name, password, utcnow())
        db.session.commit()
    except Refused as refusal:
        db.session.rollback()
        _refuse(refusal.message)
    click.echo(f"已创建系统管理员 {user.name}（{user.masked_phone}）。请用这个手机号和密码登录，先建立街道和社区。")
