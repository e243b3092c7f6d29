"""Which group robot addresses a team may store, and how one is shown."""
import pytest

from shequ_volunteer.outbox.rules import channel_of, masked, webhook_problem

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=0123456789abcdef"


def test_the_known_robots_are_accepted_and_told_apart():
    assert webhook_problem(WECOM) is None and webhook_problem(DINGTALK) is None
    assert (channel_of(WECOM), channel_of(DINGTALK)) == ("wecom", "dingtalk")


@pytest.mark.parametrize("url", [
    WECOM.replace("https", "http"),                                  # not https
    "https://evil.example.com/cgi-bin/webhook/send?key=1",           # not a robot host
    "https://qyapi.weixin.qq.com.evil.example.com/send?key=1",       # a look-alike host
    "https://user@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=1",   # credentials in the address
    "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=1",   # another port
    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send",              # no key
    WECOM + "\x00", WECOM + " x", "https://" + "a" * 400, "javascript:alert(1)", "http://[::1",
    "http://127.0.0.1:8000/send?key=1",                              # local only when allowed
])
def test_other_addresses_are_refused_with_a_reason(url):
    assert webhook_problem(url)


def test_a_local_robot_only_when_the_configuration_allows_it():
    assert webhook_problem("http://127.0.0.1:8000/cgi-bin/webhook/send?key=1", allow_local=True) is None
    assert webhook_problem("http://localhost:8000/send?key=1", allow_local=True)


def test_the_address_is_shown_masked():
    assert masked(WECOM) == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?…5aaa"
    assert "693a91f6" not in masked(WECOM) and masked(None) == ""
