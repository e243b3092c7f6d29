"""Bringing a list in: the preview (writes nothing) and the confirmed import (one transaction, in batches).

`table` is what imports.reading.open_table gives: its `rows` can be read once, so the confirmed import is
handed the file opened again and plans it anew inside its transaction, under the community's import lock:
two staff importing at once, or a double click, are taken one after the other, and the second finds what
the first wrote (nothing twice). `mapping` is column index → field key ('' ignores the column); None takes
the columns recognised by their headers (imports.columns.match_columns).
"""
from __future__ import annotations

from datetime import datetime

from ..accounts.actor import Actor
from ..audit import models as audit
from ..audit.services import record
from ..communities.models import Community
from ..database import begin_write_transaction, lock_names
from ..pairing.access import log_accesses
from ..refusals import Refused
from ..timeutil import local_today
from . import households, members, residents
from .columns import FIELDS, KIND_LABELS, KINDS, fields_by_key, match_columns, required_keys
from .plan import ImportPlan, ImportSummary, read_rows

KIND_MODULES = {"residents": residents, "members": members, "households": households}
ONLY_STAFF = "只有本社区的工作人员可以导入名单"


def checked_mapping(headers: list[str], kind: str, mapping: dict[int, str] | None) -> dict[int, str]:
    """The mapping to import with; Refused (field "mapping", or "file" for a file of another kind) when a
    field this kind needs has no column, or a mapping names an unknown field or one field twice."""
    if kind not in KINDS:
        raise Refused("请选择要导入的名单类型", "kind")
    fields = fields_by_key(kind)
    if mapping is None:
        mapping = match_columns(headers, kind)
    else:
        mapping = {int(index): key for index, key in mapping.items() if key}
        for index, key in mapping.items():
            if key not in fields or not 0 <= index < len(headers):
                raise Refused("请从列出的字段中选择", "mapping")
        for key in set(mapping.values()):
            if list(mapping.values()).count(key) > 1:
                raise Refused(f"“{fields[key].label}”只能对应一列", "mapping")
    missing = [fields[key].label for key in required_keys(kind) if key not in mapping.values()]
    if missing:
        for other in KINDS:
            if other != kind and set(required_keys(other)) <= set(match_columns(headers, other).values()):
                raise Refused(f"这个文件看起来是{KIND_LABELS[other]}名单，不是{KIND_LABELS[kind]}名单：请换成导入"
                              f"“{KIND_LABELS[other]}”，或指定各列对应什么", "file")
        raise Refused(f"找不到{'、'.join(missing)}这一列：请确认表头，或指定哪一列是{missing[0]}", "mapping")
    return dict(sorted(mapping.items()))


def _plan(community_id: int, kind: str, table, mapping: dict[int, str] | None, now: datetime) -> ImportPlan:
    headers = list(table.headers)
    plan = ImportPlan(kind, checked_mapping(headers, kind, mapping), headers)
    module = KIND_MODULES[kind]
    rows = read_rows(plan, table.rows, local_today(now).year, module.key, module.KEY_FIELD)
    module.plan(plan, rows, community_id, now)
    plan.problems.sort(key=lambda problem: problem.row)  # stable: a row's problems keep their columns' order
    return plan


def preview(community: Community, kind: str, table, mapping: dict[int, str] | None, now: datetime) -> ImportPlan:
    """What importing the file would do; writes nothing. Refused when the file cannot be imported as this kind.
    The caller lets only staff of the community see it (a household preview shows the register's details,
    and `log_preview` writes their access)."""
    return _plan(community.id, kind, table, mapping, now)


def log_preview(actor: Actor, plan: ImportPlan, now: datetime) -> None:
    """The register's access log for the households whose stored details a preview showed (its own
    transaction, like every read of the register: the caller commits it even when nothing is imported)."""
    log_accesses(actor, plan.households_shown, "import", now)


def confirm(actor: Actor, community: Community, kind: str, table, mapping: dict[int, str] | None, now: datetime,
            file_name: str) -> ImportSummary:
    """Import the file: the plan computed again under the community's import lock, then written in batches
    (statements do not grow with the rows), one audit row. Flushes; the caller commits. Rows with problems are
    left out and listed; the rest is written."""
    if not actor.can_manage_community(community.id):
        raise Refused(ONLY_STAFF)
    begin_write_transaction()
    lock_names(f"import:{community.id}")  # SQLite: the write transaction (BEGIN IMMEDIATE) already serialises
    if kind == "members":
        members.lock_teams(community.id)
    plan = _plan(community.id, kind, table, mapping, now)
    created, updated, note = KIND_MODULES[kind].write(plan, actor, community.id, now)
    skipped = plan.unchanged + len(plan.skipped)
    # The file name as staff gave it, and counts: no person's name (the 操作记录 outlives accounts).
    record(actor, audit.LIST_IMPORTED, community,
           f"{KIND_LABELS[kind]}《{file_name[:60]}》：新建{created}，更新{updated}{note}，跳过{skipped}行，"
           f"问题{plan.problem_rows}行", now, community_id=community.id)
    return ImportSummary(created, updated, skipped, plan.problems, plan.problem_rows, plan)


def field_labels(kind: str) -> dict[str, str]:
    """Field key → its Chinese label, for the mapping chooser."""
    return {field.key: field.label for field in FIELDS[kind]}
