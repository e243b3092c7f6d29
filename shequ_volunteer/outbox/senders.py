"""One sender per channel: it takes the message and its address and either returns or raises `SendFailed`.
A new provider (an SMS gateway) is one small class here and a setting (OUTBOX_SMS_SENDER)."""
from __future__ import annotations

import json
import urllib.error
import urllib.request

from .models import CHANNEL_DINGTALK, CHANNEL_SMS, CHANNEL_WECOM

REASON_MAX = 300


class SendFailed(Exception):
    """Delivery did not happen. `reason` is safe to store: it never contains the address (a secret)."""

    def __init__(self, reason: str, permanent: bool = False):
        super().__init__(reason)
        self.reason = reason[:REASON_MAX]
        self.permanent = permanent  # retrying cannot help (no address any more, no provider)


class RobotSender:
    """A group robot taking `{"msgtype": "text", "text": {"content": ...}}` and answering `{"errcode": 0}`:
    the format 企业微信 and 钉钉 robots share for plain text."""

    name = "group robot"

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout

    def payload(self, body: str) -> dict:
        return {"msgtype": "text", "text": {"content": body}}

    def send(self, address: str, body: str) -> None:
        data = json.dumps(self.payload(body), ensure_ascii=False).encode()
        request = urllib.request.Request(address, data=data, method="POST",
                                         headers={"Content-Type": "application/json; charset=utf-8"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310 (address vetted)
                answer = response.read(10_000)
        except urllib.error.HTTPError as error:
            raise SendFailed(f"{self.name} 答复 HTTP {error.code}") from None
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise SendFailed(f"{self.name} 连接失败：{type(reason).__name__}") from None
        try:
            errcode = json.loads(answer).get("errcode")
        except (ValueError, AttributeError):
            raise SendFailed(f"{self.name} 答复无法识别") from None
        if errcode != 0:
            raise SendFailed(f"{self.name} 拒绝：errcode {errcode}")


class WeComRobot(RobotSender):
    """企业微信群机器人 (qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…)."""

    name = "企业微信机器人"


class DingTalkRobot(RobotSender):
    """钉钉群机器人 (oapi.dingtalk.com/robot/send?access_token=…); the same text format."""

    name = "钉钉机器人"


class SmsSender:
    """The interface an SMS provider implements: `send(phone, body)`, raising SendFailed. None is configured
    yet, so the stub refuses permanently (the row shows why instead of retrying forever)."""

    name = "短信"

    def __init__(self, timeout: float = 5.0):
        self.timeout = timeout

    def send(self, address: str, body: str) -> None:
        raise SendFailed("尚未配置短信服务商", permanent=True)


SENDERS = {CHANNEL_WECOM: WeComRobot, CHANNEL_DINGTALK: DingTalkRobot, CHANNEL_SMS: SmsSender}
