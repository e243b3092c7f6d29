"""`flask --app wsgi import KIND FILE --community ID [--dry-run]`: a community's list brought in on the server,
for files too large for the page or for scripts (see README, Bringing a community's lists in).

Done by whoever runs the server, as staff of that community: the audit row names no person (服务器命令行).
Prints what the preview says, the problems (row, column, message) and, last, `created=N updated=N skipped=N
problems=N` (problems: rows with problems, none of them written); exits 1 when the file itself is refused.
"""
from __future__ import annotations

import sys
from pathlib import Path

import click

from ..accounts.actor import command_line_actor
from ..communities.models import Community
from ..database import begin_write_transaction
from ..extensions import db
from ..refusals import Refused
from ..timeutil import utcnow
from . import services
from .columns import KIND_LABELS, KINDS, fields_by_key, looks_like_header
from .plan import ImportPlan
from .reading import open_table


def _describe(plan: ImportPlan, table) -> list[str]:
    fields = fields_by_key(plan.kind)
    lines = [f"工作表：{table.sheet}，表头在第{table.header_row}行"]
    if table.hidden_sheets:
        lines.append(f"隐藏的工作表没有读：{'、'.join(table.hidden_sheets)}")
    lines.append("对应的列：" + "；".join(f"{table.headers[index]} → {fields[key].label}"
                                         for index, key in plan.mapping.items()))
    if plan.unmapped:
        lines.append(f"不导入的列：{'、'.join(plan.unmapped)}")
    lines.append(f"{KIND_LABELS[plan.kind]}：新建{len(plan.creates)}，更新{len(plan.updates)}，不变{plan.unchanged}，"
                 f"空行和表尾{len(plan.skipped)}行，问题{plan.problem_rows}行")
    lines += [f"第{problem.row}行 {problem.column}：{problem.message}" for problem in plan.problems]
    return lines


@click.command("import")
@click.argument("kind", type=click.Choice(KINDS))
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--community", "community_id", type=int, required=True, help="社区编号")
@click.option("--sheet", default=None, help="工作表名称（默认第一张没有隐藏的工作表）")
@click.option("--dry-run", is_flag=True, help="只预览，不写入")
def import_command(kind: str, file: Path, community_id: int, sheet: str | None, dry_run: bool) -> None:
    """导入社区的名单（居民/志愿者 residents、队伍成员 members、帮扶对象 households）：.xlsx 或 .csv。"""
    if not dry_run:
        begin_write_transaction()  # before any read: a SQLite snapshot taken earlier could not be written from
    community = db.session.get(Community, community_id)
    if community is None:
        raise click.BadParameter(f"没有编号为{community_id}的社区", param_hint="--community")
    now = utcnow()
    try:
        with open_table(file, file.name, sheet, lambda cells: looks_like_header(cells, kind)) as table:
            if dry_run:
                plan = services.preview(community, kind, table, None, now)
                counts = (len(plan.creates), len(plan.updates), plan.unchanged + len(plan.skipped), plan.problem_rows)
            else:
                done = services.confirm(command_line_actor(community.id), community, kind, table, None, now,
                                        file.name)
                db.session.commit()
                plan, counts = done.plan, (done.created, done.updated, done.skipped, done.problem_rows)
            click.echo("\n".join(_describe(plan, table)))
    except Refused as refused:  # the file (FileRefused), or its columns
        db.session.rollback()
        click.echo(f"不能导入：{refused.message}", err=True)
        sys.exit(1)
    click.echo("created={} updated={} skipped={} problems={}".format(*counts))
