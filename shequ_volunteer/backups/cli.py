"""`flask --app wsgi backup` and `flask --app wsgi restore`, run on the server (see README, Backups)."""
from __future__ import annotations

import sys
from pathlib import Path

import click
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from flask import current_app

from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from . import services
from .files import human_size


def _fail(what: str, refusal: Refused) -> None:
    click.echo(f"{what}：{refusal.message}", err=True)
    sys.exit(1)


def _totals(rows: dict[str, int]) -> str:
    return f"{len(rows)} 张表，共 {sum(rows.values())} 行 / {len(rows)} tables, {sum(rows.values())} rows"


@click.command("backup")
@click.option("--to", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="备份放在哪个目录（默认 instance/backups）")
@click.option("--keep", type=click.IntRange(min=1), default=14, show_default=True,
              help="保留最近几份备份，更早的删除")
def backup_command(directory: Path | None, keep: int) -> None:
    """备份整个数据库（网站照常运行）。A consistent copy of the database while the site serves."""
    directory = directory or Path(current_app.instance_path) / "backups"
    try:
        written = services.take_backup(db.engine, directory, utcnow(), keep)
    except Refused as refusal:
        _fail("没有备份 / Backup not written", refusal)
    click.echo(f"已备份 / Backup written: {written.path}（{human_size(written.size)}；{_totals(written.rows)}）")
    for path in written.deleted:
        click.echo(f"已删除旧备份 / Old backup deleted: {path.name}")


@click.command("restore")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="数据库里已经有数据时，也用备份覆盖")
def restore_command(file: Path, force: bool) -> None:
    """从备份恢复数据库（先停网站）。Restore a backup into an empty database (--force: any)."""
    app_tables = [table.name for table in db.metadata.sorted_tables]
    try:
        restored = services.restore(db.engine, file, app_tables, force)
    except Refused as refusal:
        _fail("没有恢复 / Not restored", refusal)
    click.echo(f"已恢复 / Restored: {file.name}（{_totals(restored.rows)}）")
    scripts = ScriptDirectory.from_config(current_app.extensions["migrate"].migrate.get_config())
    if restored.version in scripts.get_heads():
        click.echo(f"数据库版本 {restored.version} 与程序一致 / The schema matches the migrations.")
        return
    try:
        known = restored.version is not None and scripts.get_revision(restored.version) is not None
    except CommandError:
        known = False
    if known:
        click.echo(f"备份来自较早的版本（{restored.version}）：请运行 flask --app wsgi db upgrade"
                   f" / The backup predates this version: run `flask --app wsgi db upgrade`.")
        return
    click.echo(f"备份的数据库版本（{restored.version}）不是这个程序的迁移：请换用相应版本的程序"
               f" / The backup's schema version is unknown to this program's migrations.", err=True)
    sys.exit(1)
