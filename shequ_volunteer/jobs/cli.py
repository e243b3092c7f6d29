"""`flask --app wsgi run-jobs`: run from cron or a systemd timer every few minutes (see README, Scheduled work)."""
from __future__ import annotations

from datetime import UTC, datetime

import click
from flask import current_app

from ..imports import uploads
from ..timeutil import from_local, utcnow
from .services import MESSAGING_FROM, MESSAGING_UNTIL, run_jobs


def _instant(_context, _parameter, value: str | None) -> datetime | None:
    """ISO 8601 → naive UTC; a time without an offset is Beijing wall time (what a person types for a demo)."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("请写成 ISO 8601，例如 2026-12-04T09:00+08:00") from None
    if moment.tzinfo is None:
        return from_local(moment)
    return moment.astimezone(UTC).replace(tzinfo=None)


@click.command("run-jobs")
@click.option("--now", "now", callback=_instant, metavar="ISO",
              help="按这个时间运行（测试、演示用；不写时区即北京时间），默认当前时间")
@click.option("--any-hour", is_flag=True,
              help=f"夜里也发送消息（演示用；平时只在北京时间 {MESSAGING_FROM:%H:%M}–{MESSAGING_UNTIL:%H:%M} 发送）")
def run_jobs_command(now: datetime | None, any_hour: bool) -> None:
    """运行定时任务：活动前一天提醒、名额不到一半提醒队长、每日探访提醒、发出待发消息、清理旧的运行记录、已结束的登录设备、过期的验证码和已发出的消息、
    删除一小时前上传的待导入文件。可随时重复运行，不会重复发送。"""
    now = now or utcnow()
    report = run_jobs(now, at_any_hour=any_hour)
    click.echo(f"imports: {uploads.sweep(uploads.folder_of(current_app), now)} uploads older than an hour removed")
    click.echo(f"outbox: {report.outbox_sent} sent" if report.outbox_sent is not None else
               "outbox: database busy (another process kept the write lock), left for the next run")
    if not report.in_messaging_hours:
        click.echo(f"messages: outside {MESSAGING_FROM:%H:%M}–{MESSAGING_UNTIL:%H:%M} Beijing time, none sent")
        return
    kinds = sorted(set(report.sent) | set(report.already_done))
    for kind in kinds:
        click.echo(f"{kind}: {report.sent[kind]} sent ({report.messages[kind]} messages), "
                   f"{report.already_done[kind]} already done")
    if not kinds:
        click.echo("messages: nothing to send")
    for pruning, deleted in report.pruned or ():
        click.echo(f"{pruning.table}: {deleted} {pruning.rows} deleted")
    if report.left_for_next_run:
        click.echo("database busy (another process kept the write lock): the rest is left for the next run")
