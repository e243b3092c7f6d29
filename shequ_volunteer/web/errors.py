"""Error pages in plain Chinese; htmx requests get a short fragment instead of a page."""
from __future__ import annotations

from flask import Flask, make_response, render_template
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from ..extensions import db, login_manager
from ..refusals import Refused
from .htmx import is_htmx, mark_refresh, wants_fragment

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


def error_answer(status: int):
    """The site's answer for an HTTP error status, for a handler that decides only some cases itself."""
    return _render(status, MESSAGES.get(status, MESSAGES[500]))


def _render(status: int, message: str):
    if wants_fragment():
        return f'<p class="alert alert-error" role="alert">{message}</p>', status
    return render_template("error.html", status=status, message=message), status


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        if is_htmx() and not current_user.is_authenticated:
            # The session is gone (expired, cookies cleared), so its CSRF token is too.
            # A 400 would not be swapped and the tap would seem to do nothing: send
            # the whole window to the login page, as for any protected htmx action.
            return login_manager.unauthorized()
        response = make_response(*_render(400, "页面已过期，请刷新页面后再试一次。"))
        if is_htmx():
            # A stale page (e.g. a tab restored after the session changed): reload it
            # so the next tap carries a fresh token, instead of silently doing nothing.
            mark_refresh(response)
        return response

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        return _render(error.code or 500, MESSAGES.get(error.code or 500, error.description or ""))

    @app.errorhandler(Refused)
    def refused_outside_a_view(refusal: Refused):
        # A refusal no view caught: a violation found only at commit (database.py turns a known
        # IntegrityError into its Refused). Said as a view would, never a 500.
        db.session.rollback()
        return _render(422 if refusal.field else 409, refusal.message)

    @app.errorhandler(500)
    def server_error(error):
        db.session.rollback()
        return _render(500, MESSAGES[500])
