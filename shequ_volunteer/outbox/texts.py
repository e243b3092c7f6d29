"""The text of a work-group post — also what 复制群通知 offers to paste into any chat group. Built from the
event, in Chinese, with time, place, places left and the link."""
from __future__ import annotations

from flask import current_app, has_request_context, request

from ..timeutil import format_local, to_local

NOTICE_BODY_MAX = 500  # a group post is read on a phone; the link carries the rest


def absolute(path: str) -> str:
    """A link people can tap from a chat group: the site's address (this request's, or SITE_URL) + path."""
    root = request.url_root if has_request_context() else current_app.config.get("SITE_URL", "")
    return root.rstrip("/") + path


def places_line(activity) -> str:
    if activity.capacity is None:
        return "名额不限"
    left = activity.places_left
    return f"剩余名额：{left} / {activity.capacity}" if left else f"名额已满（共{activity.capacity}人）"


def activity_text(activity, headline: str) -> str:
    """【队名】headline: title, then when, where, places and the link (one line each)."""
    return "\n".join([
        f"【{activity.team.name}】{headline}：{activity.title}",
        f"时间：{format_local(activity.starts_at)} – {to_local(activity.ends_at):%H:%M}",
        f"地点：{activity.place}",
        places_line(activity),
        f"详情和报名：{absolute(f'/activities/{activity.id}')}",
    ])


def notice_text(notice) -> str:
    body = notice.body if len(notice.body) <= NOTICE_BODY_MAX else notice.body[:NOTICE_BODY_MAX] + "……"
    sender = notice.team.name if notice.team is not None else "社区"
    return f"【{sender}公告】{notice.title}\n{body}\n全文：{absolute(f'/notices/{notice.id}')}"
