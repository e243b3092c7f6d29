"""The privacy notice (个人信息保护说明) a person agrees to when they register or open their account.

One place for its words and its version: the forms show it, the account records which version the
person agreed to and when (PIPL Art. 14/17: informed, explicit consent). Change the words, change the
version, so every record says exactly what was agreed.
"""
from __future__ import annotations

from datetime import datetime

PRIVACY_VERSION = "2026-12-04"
PRIVACY_CONSENT_NEEDED = "请先阅读并勾选同意《个人信息保护说明》"

# (heading, text): short, plain sentences an elderly resident can read on a 360 px phone.
PRIVACY_NOTICE = (
    ("收集什么", "您的手机号、姓名；您报名的活动、签到和服务时长；您加入的队伍。"
                "如果您是结对志愿者，还有您探访的记录。"),
    ("为什么收集", "用于登录、安排志愿服务、统计服务时长、出具服务证明，以及队长和社区工作人员联系您。"),
    ("谁能看到", "本社区的工作人员和您所在队伍的队长能看到您的姓名和手机号；其他居民只看到您的名字，"
                "看不到手机号。街道只看到统计数字。"),
    ("保存多久", "您的账号在您注销前一直保存。注销后，您的姓名和手机号会被删除，"
                "过去的服务记录只保留为不具名的统计数字。"),
    ("您的权利", "您可以随时在“我的资料”里查看和下载社区保存的您的信息、修改姓名和手机号、注销账号；"
                "有疑问请联系社区工作人员。"),
)


def record_agreement(user, now: datetime) -> None:
    """The person agreed to the notice as it reads now."""
    user.privacy_version = PRIVACY_VERSION
    user.privacy_agreed_at = now
