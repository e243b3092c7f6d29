"""`flask --app wsgi figures rebuild`: recount every kept report figure from the records."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from ..extensions import db
from . import kept

figures_command = AppGroup("figures", help="报表的统计数字")


@figures_command.command("rebuild")
@click.option("--community", "communities", type=int, multiple=True, help="只重算这个社区（可写多次），默认全部")
def rebuild_command(communities: tuple[int, ...]) -> None:
    """从原始记录重算报表保存的每日数字（数据是绕过应用写入的之后，例如恢复备份、批量导入测试数据）。"""
    days = kept.rebuild(db.session, communities or None)
    db.session.commit()
    click.echo(f"figures: {days} team-days kept")
