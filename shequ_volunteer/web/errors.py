"""Error pages in plain Chinese; htmx requests get a short fragment instead of a page."""
from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db
from .htmx import wants_fragment

MESSAGES = {
    400: "请求有误，请返回上一页重试。",
    403: "您没有权限做这件事。",
    404: "找不到这个页面，可能已被删除。",
    405: "不支持这种操作。",
    409: "操作没有成功，请刷新后重试。",
    413: "提交的内容太长了。",
    429: "操作太频繁，请稍后再试。",
    500: "系统出了点问题，请稍后再试，或联系社区工作人员。",
}


def _render(status: int, message: str):
    if wants_fragment():
        return f'<p class="alert alert-error" role="alert">{message}</p>', status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return _render(400, "页面已过期，请刷新页面后再试一次。")

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500, MESSAGES.get(error.code or 500, error.description or ""))

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _render(500, MESSAGES[500])
