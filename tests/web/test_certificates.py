"""志愿服务记录证明: the same hours as the figures, stored as issued, self-checking serials, public
verification that shows little, and who may see what (per route)."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select, update

from shequ_volunteer.accounts.models import ROLE_VIEWER, User
from shequ_volunteer.extensions import db
from shequ_volunteer.hours.models import HoursEntry
from shequ_volunteer.reports import certificate_rules, certificates, figures, serials
from shequ_volunteer.reports.models import Certificate, CertificateLine
from shequ_volunteer.reports.periods import Period, month
from shequ_volunteer.timeutil import to_local, utcnow
from shequ_volunteer.web.qr import qr_svg
from tests import factories as f
from tests.conftest import running_app
from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)
from tests.support.statements import counting_statements

from .helpers import HX, has_chinese, read_form, row_count, session_login, text

NOVEMBER = {"kind": "range", "start": "2026-11-01", "end": "2026-11-30"}
KEY = b"k" * 32
NOT_FOUND = "未找到这份证明"


def person(name: str) -> User:
    return db.session.scalar(select(User).where(User.name == name))


def issue(client, data=NOVEMBER) -> str:
    response = client.post("/reports/certificate", data=data)
    assert response.status_code == 303, text(response)[:800]
    serial = response.headers["Location"].rsplit("/", 1)[1]
    db.session.rollback()  # end the test's read snapshot: the request wrote, the test may write next
    assert response.headers["Location"].endswith(f"/reports/certificates/{serial}")
    return serial


def tampered(serial: str, position: int = 9) -> str:
    """The same serial with one character of its random part changed to another valid one."""
    old = serial[position]
    new = serials.ALPHABET[(serials.ALPHABET.index(old) + 1) % 32]
    return serial[:position] + new + serial[position + 1:]


# --- The certificate is the figures ----------------------------------------------------------------

def test_total_and_lines_are_hours_records_of_the_person(app, world):  # noqa: F811
    home, _youth, science = world
    bing = person("丙")
    serial = issue(f.logged_in(app, bing))
    item = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    window = figures.Window(month(2026, 11), utcnow())
    rows = figures.hours_records(home.id, window, user_id=bing.id).subquery()
    per_person = db.session.scalar(select(figures.BY_KEY["hours"].aggregate(rows)).select_from(rows))
    assert item.total_minutes == per_person == 270  # 4.5 小时: A3 180 + 补录 90
    assert figures.BY_KEY["hours"].value(home.id, window, by_team=True)[science.id] == 270
    expected = sorted((r.title, r.minutes, r.source) for r in db.session.execute(
        figures.hours_records(home.id, window, user_id=bing.id)))
    assert sorted((line.title, line.minutes, line.source) for line in item.lines) == expected
    assert [(line.served_on, line.source, line.team_name) for line in item.lines] == [
        (date(2026, 11, 15), "补录", "科普志愿服务队"), (date(2026, 11, 20), "签到", "科普志愿服务队")]
    assert (item.period_label, item.holder_name, item.team_names, item.community_name) == (
        "2026年11月", "丙", "科普志愿服务队", home.name)
    assert item.lines_digest == serials.lines_digest(item.lines)


def test_the_printable_certificate(app, world):  # noqa: F811
    home, *_ = world
    client = f.logged_in(app, person("丙"))
    serial = issue(client)
    response = client.get(f"/reports/certificates/{serial}")
    body = text(response)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"
    assert 'id="certificate-total">4.5小时（4小时30分钟）<' in body
    for expected in ("志愿服务记录证明", "丙", "科普志愿服务队", "2026年11月", home.name, "谁记录谁证明",
                     "民政部令第67号", "2026年11月15日", "2026年11月20日", "补录", serial,
                     f"http://shequ.test/verify/{serial}", "<svg"):
        assert expected in body, expected
    row = r'<td>科普志愿服务队2026-11-20[^<]*</td>\s*<td>科普志愿服务队</td><td class="number">3</td>'
    assert re.search(row, body)  # date, activity, team, hours
    assert qr_svg(f"http://shequ.test/verify/{serial}", 4) in body  # the QR code is of the verification URL
    assert 'class="site-header"' not in body  # a printout: no site chrome
    assert "print.css" in body


def test_a_year_is_cut_at_today_and_the_form_defaults_to_this_year(app, world):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    page = read_form(text(client.get("/reports/certificate")))
    today = to_local(utcnow()).date()
    assert page.values["year"] == str(today.year) and page.values["end"] == today.isoformat()
    serial = issue(client, {"kind": "year", "year": "2026"})
    item = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    assert (item.period_start, item.total_minutes) == (date(2026, 1, 1), 270)  # the 2025 activity is outside
    assert item.period_end == min(date(2026, 12, 31), today)
    listed = text(client.get("/reports/certificate"))
    assert serial in listed and item.period_label in listed


def test_issuing_twice_gives_two_serials_and_both_verify(app, world):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    first, second = issue(client), issue(client)
    assert first != second and row_count(Certificate) == 2 and row_count(CertificateLine) == 4
    for serial in (first, second):
        assert serials.SERIAL.fullmatch(serial) and serial.startswith(f"SQ-{to_local(utcnow()).year}-")
        assert app.test_client().get(f"/verify/{serial}").status_code == 200


def test_the_certificate_keeps_what_was_certified(app, world):  # noqa: F811
    """A 补录 approved later for a day of the period does not change a certificate already issued."""
    home, _youth, science = world
    bing = person("丙")
    client = f.logged_in(app, bing)
    serial = issue(client)
    db.session.add(HoursEntry(user_id=bing.id, team_id=science.id, kind="claim", status="approved", minutes=60,
                              served_on=date(2026, 11, 21), entered_by_id=bing.id))
    db.session.commit()
    assert "4.5小时" in text(client.get(f"/reports/certificates/{serial}"))
    assert "4.5小时" in text(app.test_client().get(f"/verify/{serial}"))
    assert "5.5小时" in text(client.get(f"/reports/certificates/{issue(client)}"))  # a new one counts it


# --- Serials cannot be forged or altered -----------------------------------------------------------

def test_a_tampered_serial_is_not_found_anywhere(app, world):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    serial = issue(client)
    for position in (3, 9, 15, len(serial) - 1):  # year, random part, random part, check
        changed = tampered(serial, position)
        response = app.test_client().get(f"/verify/{changed}")
        assert response.status_code == 404 and NOT_FOUND in text(response)
        assert client.get(f"/reports/certificates/{changed}").status_code == 404
    for junk in (serial.lower(), serial.replace("-20", "-２０"), serial + "0", "SQ-2026", "x" * 300,
                 "SQ-2026-00000-00000-00000"):
        assert app.test_client().get(f"/verify/{junk}").status_code == 404


def test_a_tampered_serial_is_refused_without_asking_the_database(app, world):  # noqa: F811
    serial = issue(f.logged_in(app, person("丙")))
    with counting_statements() as statements:
        assert app.test_client().get(f"/verify/{tampered(serial)}").status_code == 404
        assert statements == []
        assert app.test_client().get(f"/verify/{serial}").status_code == 200
        assert statements  # the control: a sound serial is looked up


def test_a_sound_serial_that_was_never_issued_is_not_found(app, world):  # noqa: F811
    issue(f.logged_in(app, person("丙")))
    invented = serials.new_serial(2026, certificates.app_key("serial"))
    assert serials.serial_is_sound(invented, certificates.app_key("serial"))
    response = app.test_client().get(f"/verify/{invented}")
    assert response.status_code == 404 and NOT_FOUND in text(response)


@pytest.mark.parametrize("change", [
    {"total_minutes": 6000}, {"holder_name": "丁"}, {"period_label": "2026年"}, {"community_name": "别的社区"}])
def test_a_row_edited_in_the_database_no_longer_verifies(app, world, change):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    serial = issue(client)
    db.session.execute(update(Certificate).where(Certificate.serial == serial).values(**change))
    db.session.commit()
    assert app.test_client().get(f"/verify/{serial}").status_code == 404
    assert client.get(f"/reports/certificates/{serial}").status_code == 404


def test_an_edited_line_no_longer_verifies(app, world):  # noqa: F811
    serial = issue(f.logged_in(app, person("丙")))
    item_id = db.session.scalar(select(Certificate.id).where(Certificate.serial == serial))
    db.session.execute(update(CertificateLine).where(CertificateLine.certificate_id == item_id,
                                                     CertificateLine.position == 1).values(minutes=900))
    db.session.commit()
    assert app.test_client().get(f"/verify/{serial}").status_code == 404


# --- The public verification page ------------------------------------------------------------------

def test_verify_shows_masked_name_period_total_and_issuer_only(app, world):  # noqa: F811
    home, *_ = world
    bing = person("丙")
    bing.name = "张秀英"
    db.session.commit()
    serial = issue(f.logged_in(app, bing))
    bing.name = "张秀英改"  # the certificate states the name it was issued to
    db.session.commit()
    response = app.test_client().get(f"/verify/{serial}")
    body = text(response)
    assert response.status_code == 200 and response.headers["X-Robots-Tag"] == "noindex"
    assert "真实有效" in body and home.name in body and serial in body
    assert 'id="verify-name">张*英<' in body and 'id="verify-period">2026年11月<' in body
    assert 'id="verify-total">4.5小时（4小时30分钟）<' in body
    assert "张秀英" not in body  # no full name
    for hidden in ("科普", "补录", "签到", "<table", "<svg", bing.phone, bing.masked_phone):
        assert hidden not in body, hidden  # no activity list, no team, no phone number
    assert not re.search(r"1\d{10}", body)


def test_unknown_serial_gets_a_page_that_says_so(app, world):  # noqa: F811
    page = app.test_client().get("/verify/SQ-2026-AAAAA-BBBBB-CCCCC")
    assert page.status_code == 404 and NOT_FOUND in text(page) and "<html" in text(page)


# --- Who may see what, per route -------------------------------------------------------------------

def test_only_the_holder_sees_the_certificate(app, world):  # noqa: F811
    home, _youth, science = world
    serial = issue(f.logged_in(app, person("丙")))
    leader = f.user(home, "科普队长")
    f.member(science, leader, leader=True)
    others = [person("甲"), leader, f.staff(home, "社工"), f.staff(f.community("光明社区"), "外社工"),
              f.user(home, "街道干部", role=ROLE_VIEWER)]
    for other in others:
        client = f.logged_in(app, other)
        assert client.get(f"/reports/certificates/{serial}").status_code == 404, other.name
        assert serial not in text(client.get("/reports/certificate"))  # not in their list either
        assert client.get(f"/verify/{serial}").status_code == 200  # the public check is for everyone
    anonymous = app.test_client().get(f"/reports/certificates/{serial}")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]
    assert app.test_client().get("/reports/certificate").status_code == 302
    assert app.test_client().post("/reports/certificate", data=NOVEMBER).status_code == 302
    assert app.test_client().get(f"/verify/{serial}").status_code == 200
    assert row_count(Certificate) == 1


def test_a_post_certifies_the_signed_in_person_only(app, world):  # noqa: F811
    """No user id is read from the form: 甲 asking with 丙's id still gets 甲's own hours."""
    jia, bing = person("甲"), person("丙")
    serial = issue(f.logged_in(app, jia), {**NOVEMBER, "user_id": str(bing.id), "user": str(bing.id)})
    item = db.session.scalar(select(Certificate).where(Certificate.serial == serial))
    assert (item.user_id, item.holder_name, item.total_minutes) == (jia.id, "甲", 120)  # A1 only; A3 is not his team


def test_htmx_post_navigates_the_whole_window(app, world):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    response = client.post("/reports/certificate", data=NOVEMBER, headers=HX)
    assert response.status_code == 200 and "/reports/certificates/SQ-" in response.headers["HX-Redirect"]


def test_the_hours_page_links_to_the_certificate(app, world):  # noqa: F811
    assert 'href="/reports/certificate">服务时长证明<' in text(f.logged_in(app, person("丙")).get("/me/hours"))


# --- Bad periods ------------------------------------------------------------------------------------

@pytest.mark.parametrize("data, field, message", [
    ({"kind": "year", "year": "2099"}, "year", "还没到"),
    ({"kind": "year", "year": "abcd"}, "year", "年份请写成 2026"),
    ({"kind": "year", "year": "1999"}, "year", "2000到2099"),
    ({"kind": "year", "year": "2024"}, "year", "这段时间没有服务记录"),
    ({"kind": "range", "start": "2020-01-01", "end": "2026-11-30"}, "end", "最多统计五年"),
    ({"kind": "range", "start": "2026-11-30", "end": "2026-11-01"}, "end", "不能早于"),
    ({"kind": "range", "start": "2090-01-01", "end": "2090-02-01"}, "start", "还没到"),
    ({"kind": "range", "start": "2026-11-01", "end": ""}, "end", "请填写日期"),
    ({"kind": "range", "start": "2026-11-99", "end": "2026-11-30"}, "start", "不是有效的日期"),
    ({"kind": "range", "start": "2026-10-01", "end": "2026-10-31"}, "start", "这段时间没有服务记录"),
    ({"kind": "week", "year": "2026"}, "kind", ""),
])
def test_bad_periods_get_a_message_next_to_the_field(app, world, data, field, message):  # noqa: F811
    client = f.logged_in(app, person("丙"))
    response = client.post("/reports/certificate", data=data)
    assert response.status_code == 422
    shown = read_form(text(response)).messages[field]
    assert message in shown and has_chinese(shown), shown
    fragment = client.post("/reports/certificate", data=data, headers=HX)
    assert fragment.status_code == 422 and "<html" not in text(fragment) and message in text(fragment)
    assert row_count(Certificate) == 0


def test_someone_without_service_is_told_so(app, world):  # noqa: F811
    home, *_ = world
    client = f.logged_in(app, f.user(home, "新居民"))
    response = client.post("/reports/certificate", data={"kind": "year", "year": "2026"})
    assert response.status_code == 422 and "这段时间没有服务记录" in read_form(text(response)).messages["year"]


def test_csrf_is_on_for_the_post(_migrated):
    with running_app(_migrated, WTF_CSRF_ENABLED=True) as app:
        home = f.community()
        resident = f.user(home, "李四")
        client = app.test_client()
        session_login(client, resident, f.PASSWORD)
        for headers in ({}, HX):
            response = client.post("/reports/certificate", data={"kind": "year", "year": "2026"}, headers=headers)
            assert response.status_code == 400 and "页面已过期" in text(response)
        assert row_count(Certificate) == 0


# --- Pure parts --------------------------------------------------------------------------------------

def test_every_single_character_change_of_a_serial_fails_its_check():
    body = "SQ-2026-7KQ3M-9XD2H"  # fixed, so that this test cannot pass or fail by chance
    serial = f"{body}-{serials._check_characters(body, KEY)}"
    assert serials.serial_is_sound(serial, KEY) and not serials.serial_is_sound(serial, b"other" * 8)
    for position, old in enumerate(serial):
        for new in serials.ALPHABET + "-ILOUa":
            if new != old:
                changed = serial[:position] + new + serial[position + 1:]
                assert not serials.serial_is_sound(changed, KEY), changed


def test_serials_are_random():
    made = {serials.new_serial(2026, KEY) for _ in range(200)}
    assert len(made) == 200


@pytest.mark.parametrize("start, end, label", [
    (date(2026, 1, 1), date(2026, 12, 31), "2026年"), (date(2026, 11, 1), date(2026, 11, 30), "2026年11月"),
    (date(2026, 1, 1), date(2026, 12, 2), "2026年1月1日至12月2日"),
    (date(2025, 3, 5), date(2026, 2, 1), "2025年3月5日至2026年2月1日"),
])
def test_period_labels(start, end, label):
    assert certificate_rules.period_label(start, end) == label


def test_periods_refused_and_cut():
    today = date(2026, 12, 2)
    assert certificate_rules.refusal(Period(date(2026, 12, 3), date(2026, 12, 31), ""), today)
    assert certificate_rules.refusal(Period(date(2019, 1, 1), date(2026, 1, 1), ""), today) == "一份证明最多五年"
    assert certificate_rules.refusal(Period(date(2026, 1, 1), date(2026, 12, 31), ""), today) is None
    cut = certificate_rules.certified_period(Period(date(2026, 1, 1), date(2026, 12, 31), "2026年"), today)
    assert (cut.end, cut.label) == (today, "2026年1月1日至12月2日")


@pytest.mark.parametrize("name, shown", [("张秀英", "张*英"), ("李四", "李*"), ("丙", "丙"), ("欧阳娜娜", "欧**娜")])
def test_masked_names(name, shown):
    assert certificate_rules.masked_name(name) == shown
