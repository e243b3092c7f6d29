"""One row per administrative change: who did what to which record, in which community, when.

Rows are written by `audit.services.record` in the transaction of the change they describe and
are never changed or removed by the application: the ORM refuses it (see `refuse_changes`).
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, Session, mapped_column
from sqlalchemy.sql.dml import Delete, Update

from ..extensions import db

LEADER_APPOINTED = "leader_appointed"
LEADER_REMOVED = "leader_removed"
HOURS_CORRECTED = "hours_corrected"
HOURS_APPROVED = "hours_approved"
HOURS_DECLINED = "hours_declined"
HOUSEHOLD_CREATED = "household_created"
HOUSEHOLD_EDITED = "household_edited"
PAIRING_CREATED = "pairing_created"
PAIRING_HANDED_OVER = "pairing_handed_over"
PAIRING_ENDED = "pairing_ended"
VISIT_CORRECTED = "visit_corrected"
VISIT_DELETED = "visit_deleted"
ACTIVITY_CANCELLED = "activity_cancelled"
ACTIVITY_RESTORED = "activity_restored"
STREET_CREATED = "street_created"
COMMUNITY_CREATED = "community_created"
COMMUNITY_EDITED = "community_edited"
STAFF_APPOINTED = "staff_appointed"
STAFF_REMOVED = "staff_removed"
VIEWER_APPOINTED = "viewer_appointed"
VIEWER_REMOVED = "viewer_removed"
OPENING_CODE_ISSUED = "opening_code_issued"
RESET_CODE_ISSUED = "reset_code_issued"
ACCOUNT_OPENED = "account_opened"
PASSWORD_RESET = "password_reset"
ACCOUNT_DEACTIVATED = "account_deactivated"
ACCOUNT_REACTIVATED = "account_reactivated"
ACCOUNT_CLOSED = "account_closed"
MEMBER_REMOVED = "member_removed"
NOTICE_WITHDRAWN = "notice_withdrawn"
TEAM_WORK_GROUP_SET = "team_work_group_set"
TEAM_WORK_GROUP_REMOVED = "team_work_group_removed"
LIST_IMPORTED = "list_imported"

# The words the 操作记录 page uses for each kind, in the order its filter offers them.
KIND_LABELS = {
    LEADER_APPOINTED: "任命队长",
    LEADER_REMOVED: "免去队长",
    HOURS_CORRECTED: "更正服务时长",
    HOURS_APPROVED: "批准补录",
    HOURS_DECLINED: "婉拒补录",
    HOUSEHOLD_CREATED: "登记帮扶对象",
    HOUSEHOLD_EDITED: "修改帮扶对象",
    PAIRING_CREATED: "建立结对",
    PAIRING_HANDED_OVER: "更换结对志愿者",
    PAIRING_ENDED: "结束结对",
    VISIT_CORRECTED: "更正探访记录",
    VISIT_DELETED: "删除探访记录",
    ACTIVITY_CANCELLED: "取消活动",
    ACTIVITY_RESTORED: "恢复活动",
    STREET_CREATED: "建立街道",
    COMMUNITY_CREATED: "建立社区",
    COMMUNITY_EDITED: "修改社区信息",
    STAFF_APPOINTED: "任命社区工作人员",
    STAFF_REMOVED: "免去社区工作人员",
    VIEWER_APPOINTED: "任命街道查看人员",
    VIEWER_REMOVED: "免去街道查看人员",
    OPENING_CODE_ISSUED: "发放开通码",
    RESET_CODE_ISSUED: "发放重设密码码",
    ACCOUNT_OPENED: "开通账号",
    PASSWORD_RESET: "重设密码",
    ACCOUNT_DEACTIVATED: "停用账号",
    ACCOUNT_REACTIVATED: "恢复账号",
    ACCOUNT_CLOSED: "注销账号",
    MEMBER_REMOVED: "移出队伍",
    NOTICE_WITHDRAWN: "撤回公告",
    TEAM_WORK_GROUP_SET: "设置工作群机器人",
    TEAM_WORK_GROUP_REMOVED: "删除工作群机器人",
    LIST_IMPORTED: "导入名单",
}


class AuditEntry(db.Model):
    """Who (by id), when, where, what kind, to what, in a few words.

    No names are stored: the summary names records (a team, an activity), never the people acted upon
    nor a household's details, and the page shows actor and target by their current names, so a closed
    account's name does not live on here, and the 街道 administrator reading it learns nothing private.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (
        Index("ix_audit_entries_community_at", "community_id", "at"),
        Index("ix_audit_entries_street_at", "street_id", "at"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime]
    # None: done on the server's command line (`flask import`), by whoever runs the server, not a person of the site.
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    street_id: Mapped[int | None] = mapped_column(ForeignKey("streets.id"))
    community_id: Mapped[int | None] = mapped_column(ForeignKey("communities.id"))
    kind: Mapped[str] = mapped_column(String(32))
    target_type: Mapped[str] = mapped_column(String(32))
    target_id: Mapped[int | None]
    summary: Mapped[str] = mapped_column(String(200))

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)


class AuditIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit row: a programming error, not a refusal."""


def _refuse(*_args) -> None:
    raise AuditIsAppendOnly("操作记录只能新增，不能修改或删除")


# A changed or deleted AuditEntry object is refused when it is flushed...
event.listen(AuditEntry, "before_update", _refuse)
event.listen(AuditEntry, "before_delete", _refuse)


@event.listens_for(Session, "do_orm_execute")
def refuse_bulk_changes(state) -> None:
    """...and so is an UPDATE or DELETE statement on the table run through a session."""
    statement = state.statement
    if isinstance(statement, (Update, Delete)) and statement.table.name == AuditEntry.__tablename__:
        _refuse()
