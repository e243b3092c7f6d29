"""The 统计 period chooser: one choice of kind, each with its own fields, read by the server without
JavaScript; the message stands by the chosen option's field and what was typed stays."""
import re

import pytest

from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)

from .helpers import HX, read_form, text
from .test_reports import staff_client

# Every option's fields are sent by a browser without JavaScript; only the chosen kind's may count.
EVERY_FIELD = "month=2026-11&quarter=2026-Q3&year=2025&start=2026-10-01&end=2026-10-31&asof=2026-06-30"


def option_block(body: str, kind: str) -> str:
    """The chooser's option for `kind`: its radio, its fields and its message."""
    return re.search(rf'<div class="period-option">\s*<label class="choice"><input type="radio" name="kind" '
                     rf'value="{kind}".*?</div>\s*</div>', body, re.S)[0]


def test_one_choice_with_its_own_fields_and_this_month_by_default(app, world):  # noqa: F811
    home, *_ = world
    body = text(staff_client(app, home).get("/reports"))
    assert "月/季/年/日期" not in body and 'name="value"' not in body  # the box nobody could place
    for kind, label, field in [("month", "本月", 'name="month"'), ("quarter", "本季度", 'name="quarter"'),
                               ("year", "本年", 'name="year"'), ("range", "自定义", 'name="start"'),
                               ("asof", "截止某日", 'name="asof"')]:
        block = option_block(body, kind)
        assert label in block and field in block, kind
    assert 'value="month" id="kind-month" checked' in body  # nothing asked: this month


@pytest.mark.parametrize("kind, heading", [
    ("month", "2026年11月"), ("quarter", "2026年第3季度"), ("year", "2025年"),
    ("range", "2026-10-01 至 2026-10-31"), ("asof", "2026年1月1日至6月30日"),
])
def test_the_server_reads_the_chosen_kinds_own_field(app, world, kind, heading):  # noqa: F811
    home, *_ = world
    body = text(staff_client(app, home).get(f"/reports?kind={kind}&{EVERY_FIELD}"))
    assert f"<h2>{heading}</h2>" in body
    assert f'value="{kind}" id="kind-{kind}" checked' in body


def test_links_made_with_the_old_single_value_still_work(app, world):  # noqa: F811
    home, *_ = world
    body = text(staff_client(app, home).get("/reports?kind=month&value=2026-11"))
    assert "<h2>2026年11月</h2>" in body and read_form(body).values["period-month"] == "2026-11"


@pytest.mark.parametrize("query, field, message, typed", [
    ("kind=year&year=19x9", "period-year", "年份请写成 2026", "19x9"),
    ("kind=range&start=2026-11-30&end=2026-11-01", "period-range", "结束日期不能早于开始日期", None),
    ("kind=asof&asof=2100-01-01", "period-asof", "请填写2000到2099年之间的日期", "2100-01-01"),
])
def test_a_bad_period_gets_its_message_by_the_chosen_field(app, world, query, field, message, typed):  # noqa: F811
    home, *_ = world
    client = staff_client(app, home)
    for headers in ({}, HX):  # the plain page and the htmx swap carry the same form
        response = client.get(f"/reports?{query}", headers=headers)
        assert response.status_code == 422
        form = read_form(text(response))
        assert form.messages[field] == message
        assert [key for key, shown in form.messages.items() if shown] == [field]  # nowhere else
        if typed:
            assert form.values[field] == typed
