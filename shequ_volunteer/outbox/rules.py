"""Which group robot addresses are accepted, and how one is shown. Pure: no Flask, no database."""
from __future__ import annotations

from urllib.parse import urlsplit

from .models import CHANNEL_DINGTALK, CHANNEL_WECOM

# The only hosts a team's work group may point at: the robots' own https endpoints.
ROBOT_HOSTS = {"qyapi.weixin.qq.com": CHANNEL_WECOM, "oapi.dingtalk.com": CHANNEL_DINGTALK}
LOCAL_HOST = "127.0.0.1"
URL_MAX = 300


def webhook_problem(url: str, allow_local: bool = False) -> str | None:
    """Why this address is refused (in Chinese), or None: https to a known robot host with no user, port
    or fragment; `http://127.0.0.1:<port>` only where the configuration allows it (tests)."""
    if len(url) > URL_MAX or any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return "地址太长或含有空格、无法识别的字符"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "这不是一个网址"
    if allow_local and parts.scheme == "http" and parts.hostname == LOCAL_HOST and port and not parts.username:
        return None
    if parts.scheme != "https":
        return "只接受 https:// 开头的群机器人地址"
    if parts.hostname not in ROBOT_HOSTS or parts.username or parts.password or port not in (None, 443):
        return "只接受企业微信（qyapi.weixin.qq.com）或钉钉（oapi.dingtalk.com）群机器人的地址"
    if parts.fragment or not parts.query:
        return "地址不完整：请复制群机器人设置里的完整 Webhook 地址"
    return None


def channel_of(url: str) -> str:
    """The robot an accepted address belongs to; a local test server speaks DingTalk when its path says so."""
    parts = urlsplit(url)
    if parts.hostname in ROBOT_HOSTS:
        return ROBOT_HOSTS[parts.hostname]
    return CHANNEL_DINGTALK if "dingtalk" in parts.path else CHANNEL_WECOM


def masked(url: str | None) -> str:
    """What the settings page shows: the host and the key's last 4 characters, never the whole key."""
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}{parts.path}?…{url[-4:]}"
