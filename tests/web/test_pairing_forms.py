"""Bad input on every pairing form (结对帮扶) is refused; good input is saved.

Refused: 422 (409 for a refused state change), a Chinese message next to the field, what was typed
still in the re-rendered form, and not one row changed (db_state before == after), for a plain POST
and for htmx alike. Accepted: saved as typed (amounts in fen), 303 for a plain POST, the fragment
with status 200 for htmx; a quick visit from the board brings the board back with its new counts.
"""
from __future__ import annotations

import re
from datetime import timedelta
from html.parser import HTMLParser
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from flask import current_app
from sqlalchemy import select

from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.extensions import db
from shequ_volunteer.pairing import services
from shequ_volunteer.pairing.access import current_helper_ids
from shequ_volunteer.pairing.models import (
    FollowUp,
    Household,
    HouseholdEvent,
    Pairing,
    Visit,
    VisitAid,
)
from shequ_volunteer.timeutil import to_local, utcnow
from tests import factories as f
from tests.support.module_app import one_commit, per_test_app, shared_module_app  # noqa: F401 (fixtures)

from .helpers import HX, db_state, read_form, text

HEAD = "孙秀兰"
LONG = "长" * 10_000
NUL, ESC = "门\x00锁", "门\x1b[2J锁"


@pytest.fixture
def world(app):
    with one_commit():
        return build_world()


def build_world() -> SimpleNamespace:
    today = f.beijing_today()
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    team_t, team_b = f.team(home, name="党员先锋志愿服务队", kind="party"), f.team(elsewhere, name="光明巡逻队",
                                                                                  kind="patrol")
    users = dict(
        staff_a=f.staff(home, "社工王芳"), staff_a2=f.staff(home, "社工钱敏"), helper=f.user(home, "志愿者刘洋"),
        leader_t=f.user(home, "队长李建国"), member_t=f.user(home, "队员周强"), resident=f.user(home, "居民郑丽"),
        helper2=f.user(home, "志愿者孔亮"), newcomer=f.user(home, "新志愿者何平"),
        outsider=f.user(elsewhere, "外社区居民"), staff_b=f.staff(elsewhere, "外社工冯军"),
    )
    f.member(team_t, users["leader_t"], leader=True)
    f.member(team_t, users["helper"])
    f.member(team_t, users["member_t"])
    staff_id = users["staff_a"].id
    h = f.household(home, head_name=HEAD)
    h2 = f.household(home, head_name="钱桂芳", estate="", building="5", room="102", tier="general", categories="")
    h3 = f.household(home, head_name="周德福", estate="", building="8", room="301", tier="key", categories="")
    pairing = f.pairing(h, users["staff_a"], helpers=[users["helper"]], team_obj=team_t,
                        since=today - timedelta(days=100))
    p3 = f.pairing(h3, users["staff_a"], helpers=[users["helper2"]], since=today - timedelta(days=20), reason="孤寡")
    last = f.visit(pairing, users["helper"], utcnow() - timedelta(days=10))
    # Reported two hours ago: H needs a visit within 24 hours (本周应访 on the board, whatever the weekday).
    services.report_major_change(actor_for(users["helper"]), h, "hospital", "", utcnow() - timedelta(hours=2))
    follow_up = FollowUp(community_id=home.id, household_id=h.id, visit_id=last.id, reason="燃气灶打不着火",
                         opened_by_id=users["helper"].id)
    closed = FollowUp(community_id=home.id, household_id=h.id, reason="水管漏水", status="closed",
                      resolution="已修好", opened_by_id=users["helper"].id, closed_at=utcnow(), closed_by_id=staff_id)
    db.session.add_all([follow_up, closed])
    db.session.commit()
    return SimpleNamespace(
        today=today, home=home.id, team_t=team_t.id, team_b=team_b.id, h=h.id, h2=h2.id, h3=h3.id,
        pairing=pairing.id, p3=p3.id, follow_up=follow_up.id, closed=closed.id,
        people=SimpleNamespace(**{role: SimpleNamespace(id=u.id, name=u.name, phone=u.phone)
                                  for role, u in users.items()}),
    )


def client_as(world, role: str):
    """Signed in as one of the world's people, the fast way (no argon2 per test)."""
    return f.logged_in(current_app, getattr(world.people, role), through_form=False)  # the `app` fixture's app


class _Checked(HTMLParser):
    """The values of checked checkboxes and radios, and selected options, by name."""

    def __init__(self):
        super().__init__()
        self.checked: dict[str, list[str]] = {}
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and "checked" in attrs:
            self.checked.setdefault(attrs.get("name", ""), []).append(attrs.get("value") or "")
        elif tag == "select":
            self._select = attrs.get("name")
        elif tag == "option" and self._select and "selected" in attrs:
            self.checked.setdefault(self._select, []).append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def checked(body: str) -> dict[str, list[str]]:
    reader = _Checked()
    reader.feed(body)
    return reader.checked


def unchanged_but_logged(before: dict, url: str, requests: int) -> None:
    """Nothing saved — except one access-log row per refused request that showed a household's
    record again (the re-rendered form displays it, and every display is logged)."""
    after = db_state()
    assert {k: v for k, v in after.items() if k != "household_access"} == {
        k: v for k, v in before.items() if k != "household_access"}
    shows_a_household = "/households/" in url and not url.endswith("/households/new") or "/pairings/" in url
    added = [row for row in after["household_access"] if row not in before["household_access"]]
    assert len(added) == (requests if shows_a_household else 0), added


def refused(client, url: str, data: dict, status: int = 422, htmx: bool = True):
    """POST plainly and (for the forms htmx posts) with htmx: refused with `status`, nothing saved.
    The bodies, plain first."""
    before = db_state()
    plain = client.post(url, data=data)
    assert plain.status_code == status, text(plain)[:1500]
    unchanged_but_logged(before, url, 1)
    if not htmx:
        return (text(plain),)
    fragment = client.post(url, data=data, headers=HX)
    assert fragment.status_code == status, text(fragment)[:1500]
    assert "<html" not in text(fragment)
    unchanged_but_logged(before, url, 2)
    return text(plain), text(fragment)


def assert_message(body: str, field_id: str, message: str):
    form = read_form(body)
    assert message in form.messages.get(field_id, ""), (field_id, form.messages)
    assert re.search("[\u4e00-\u9fff]", form.messages[field_id])  # "1到365天" has no two Han in a row


# --- the visit log ---------------------------------------------------------------------------


def visit_data(w, **changes) -> dict:
    data = {"way": "phone", "visited_on": w.today.isoformat(), "duration_minutes": "45", "concerns": ["food"],
            "note": "门口有台阶，要扶", "aid_item_1": "大米", "aid_amount_1": "12.5", "aid_item_3": "牛奶",
            "aid_amount_3": "20", "needs_follow_up": "y", "follow_up_reason": "热水器坏了"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def days(n: int):
    return lambda w: (w.today + timedelta(days=n)).isoformat()


VISIT_REFUSALS = [
    # id, changes (a callable gets the world), the field whose message, the message
    ("date-in-the-future", {"visited_on": days(1)}, "visited_on", "探访日期不能晚于今天"),
    ("date-32-days-ago", {"visited_on": days(-32)}, "visited_on", "只能记录31天内的探访"),
    ("date-a-year-ago", {"visited_on": days(-365)}, "visited_on", "只能记录31天内的探访"),
    # DataRequired replaces WTForms' "不是有效的日期值" with its own message (browsers send no such dates).
    ("date-garbage", {"visited_on": "2026-13-45"}, "visited_on", "不是有效的日期值"),
    ("date-year-1", {"visited_on": "0001-01-01"}, "visited_on", "只能记录31天内的探访"),
    ("date-missing", {"visited_on": ""}, "visited_on", "请填写探访日期"),
    ("duration-0", {"duration_minutes": "0"}, "duration_minutes", "时长在1到600分钟之间"),
    ("duration-minus-5", {"duration_minutes": "-5"}, "duration_minutes", "时长在1到600分钟之间"),
    ("duration-100000", {"duration_minutes": "100000"}, "duration_minutes", "时长在1到600分钟之间"),
    ("duration-abc", {"duration_minutes": "abc"}, "duration_minutes", "请填写整数"),
    ("duration-huge", {"duration_minutes": "9" * 40}, "duration_minutes", "时长在1到600分钟之间"),
    ("way-not-listed", {"way": "fly"}, "way", "不是有效的选择"),
    ("way-missing", {"way": None}, "way", "请选择探访方式"),
    ("concern-unknown", {"concerns": ["food", "religion"]}, "concerns", "请从列出的选项中选择"),
    ("note-501", {"note": "长" * 501}, "note", "不能超过500个字"),
    ("note-10000", {"note": LONG}, "note", "不能超过500个字"),
    ("note-nul", {"note": NUL}, "note", "含有无法识别的字符"),
    ("note-esc", {"note": ESC}, "note", "含有无法识别的字符"),
    ("aid-negative", {"aid_amount_1": "-5"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-1e5", {"aid_amount_1": "1e5"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-12.345", {"aid_amount_1": "12.345"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-over-100000", {"aid_amount_1": "100000.01"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-100001", {"aid_amount_1": "100001"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-abc", {"aid_amount_1": "abc"}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-10000-digits", {"aid_amount_1": "1" * 10_000}, "aid_1", "金额请写0到100000之间的数"),
    ("aid-amount-without-item", {"aid_item_1": "", "aid_amount_1": "50"}, "aid_1", "请写物资名称"),
    ("aid-item-10000", {"aid_item_1": LONG}, "aid_1", "请写物资名称（40字以内）"),
    ("aid-item-nul", {"aid_item_1": "大\x00米"}, "aid_1", "请写物资名称"),
    ("aid-item-esc", {"aid_item_1": "大\x1b米"}, "aid_1", "请写物资名称"),
    ("follow-up-without-reason", {"follow_up_reason": ""}, "follow_up_reason", "勾选了需要跟进，请写明跟进什么"),
    ("follow-up-reason-10000", {"follow_up_reason": LONG}, "follow_up_reason", "不能超过200个字"),
    ("follow-up-reason-nul", {"follow_up_reason": NUL}, "follow_up_reason", "含有无法识别的字符"),
]


@pytest.mark.parametrize("changes, field_id, message", [c[1:] for c in VISIT_REFUSALS],
                         ids=[c[0] for c in VISIT_REFUSALS])
def test_visit_refusals(app, world, changes, field_id, message):
    typed = visit_data(world, **{k: v(world) if callable(v) else v for k, v in changes.items()})
    client = client_as(world, "helper")
    for body in refused(client, f"/households/{world.h}/visits/new", typed):
        assert_message(body, field_id, message)
        form = read_form(body)
        for name in ("visited_on", "duration_minutes", "follow_up_reason", "aid_item_1", "aid_amount_1",
                     "aid_item_3", "aid_amount_3", "note"):
            if name in typed and not any(ch in typed[name] for ch in "\x00\x1b"):
                assert form.values.get(name) == typed[name], (name, form.values.get(name), typed[name])
        boxes = checked(body)
        assert boxes.get("needs_follow_up") == ["y"]
        if field_id != "concerns":
            assert boxes.get("concerns") == ["food"]
        if field_id != "way":
            assert boxes.get("way") == ["phone"]


def test_visit_to_a_household_the_helper_does_not_help_is_404(app, world):
    client = client_as(world, "helper")
    before = db_state()
    for household_id in (world.h2, world.h3):
        for headers in ({}, HX):
            response = client.post(f"/households/{household_id}/visits/new", data=visit_data(world), headers=headers)
            assert response.status_code == 404
            assert "钱桂芳" not in text(response) and "周德福" not in text(response)
    assert db_state() == before


def test_visit_with_follow_up_saves_visit_aid_and_one_follow_up(app, world):
    client = client_as(world, "helper")
    counts = {model: len(db.session.scalars(select(model.id)).all()) for model in (Visit, VisitAid, FollowUp)}
    db.session.rollback()
    typed = visit_data(world, concerns=["health", "mood"], aid_item_2="食用油", aid_amount_2="０.０５")
    response = client.post(f"/households/{world.h}/visits/new", data=typed)
    assert response.status_code == 303, text(response)[:1500]
    assert urlsplit(response.headers["Location"]).path == f"/households/{world.h}"
    db.session.rollback()
    visits = db.session.scalars(select(Visit).where(Visit.visitor_id == world.people.helper.id,
                                                    Visit.visited_on == world.today)).all()
    assert len(visits) == 1 and len(db.session.scalars(select(Visit.id)).all()) == counts[Visit] + 1
    visit = visits[0]
    assert (visit.household_id, visit.pairing_id, visit.way, visit.duration_minutes, visit.concerns, visit.note,
            visit.needs_follow_up) == (world.h, world.pairing, "phone", 45, "health,mood", "门口有台阶，要扶", True)
    assert [(a.item, a.amount_fen) for a in visit.aid_items] == [("大米", 1250), ("食用油", 5), ("牛奶", 2000)]
    assert len(db.session.scalars(select(VisitAid.id)).all()) == counts[VisitAid] + 3
    follow_ups = db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)).all()
    assert len(follow_ups) == 1 and len(db.session.scalars(select(FollowUp.id)).all()) == counts[FollowUp] + 1
    item = follow_ups[0]
    assert (item.status, item.reason, item.community_id, item.household_id, item.opened_by_id, item.closed_at) == (
        "open", "热水器坏了", world.home, world.h, world.people.helper.id, None)
    # ... and it is on the staff's queue.
    assert "热水器坏了" in text(client_as(world, "staff_a").get("/follow-ups"))


def test_visit_by_htmx_returns_the_fragment(app, world):
    response = client_as(world, "leader_t").post(f"/households/{world.h}/visits/new", headers=HX,
                                                 data=visit_data(world, needs_follow_up=None, follow_up_reason=None))
    body = text(response)
    assert response.status_code == 200, body[:1500]
    assert "<html" not in body and f'id="visit-form-{world.h}"' in body
    assert f"已记录{HEAD}的探访" in body and "已转社区跟进" not in body
    db.session.rollback()
    visit = db.session.scalars(select(Visit).where(Visit.visitor_id == world.people.leader_t.id)).one()
    assert not visit.needs_follow_up
    assert db.session.scalars(select(FollowUp).where(FollowUp.visit_id == visit.id)).all() == []


def test_visit_31_days_ago_is_still_accepted_and_from_mine_goes_back_there(app, world):
    response = client_as(world, "helper").post(
        f"/households/{world.h}/visits/new?from=mine",
        data=visit_data(world, visited_on=days(-31)(world), needs_follow_up=None, follow_up_reason=None,
                        aid_item_1="", aid_amount_1="", aid_item_3="", aid_amount_3=""))
    assert response.status_code == 303, text(response)[:1500]
    assert urlsplit(response.headers["Location"]).path == "/me/pairings"
    db.session.rollback()
    visit = db.session.scalars(select(Visit).where(Visit.visited_on == world.today - timedelta(days=31))).one()
    assert visit.aid_items == [] and to_local(visit.visited_at).hour == 12  # noon of that day


COUNT = re.compile(r'id="count-(\w+)".*?<span class="count-number">(\d+)</span>', re.S)


def board_counts(body: str) -> dict[str, int]:
    return {key: int(number) for key, number in COUNT.findall(body)}


def test_quick_visit_from_the_board_returns_the_board_with_new_counts(app, world):
    client = client_as(world, "leader_t")
    board = text(client.get("/board?show=due"))
    assert board_counts(board) == {"due": 1, "visited": 0, "overdue": 0}
    assert f'data-household="{world.h}"' in board
    quick = client.get(f"/households/{world.h}/visits/new?board_query=show%3Ddue", headers=HX)
    assert quick.status_code == 200 and 'name="board_query" value="show=due"' in text(quick)

    typed = visit_data(world, board_query="show=due", needs_follow_up=None, follow_up_reason=None)
    response = client.post(f"/households/{world.h}/visits/new", data=typed, headers=HX)
    body = text(response)
    assert response.status_code == 200, body[:1500]
    assert response.headers["HX-Retarget"] == "#board" and response.headers["HX-Reswap"] == "outerHTML"
    assert body.lstrip().startswith('<section id="board"') and "<html" not in body
    assert f"已记录{HEAD}的探访" in body
    assert board_counts(body) == {"due": 0, "visited": 1, "overdue": 0}
    assert "本周应访（0户）" in body and f'data-household="{world.h}"' not in body  # show=due was kept
    db.session.rollback()
    assert len(db.session.scalars(select(Visit).where(Visit.visitor_id == world.people.leader_t.id)).all()) == 1


def test_quick_visit_refused_on_the_board_keeps_the_board_query(app, world):
    typed = visit_data(world, board_query="show=due", duration_minutes="0")
    plain, fragment = refused(client_as(world, "leader_t"), f"/households/{world.h}/visits/new", typed)
    assert_message(fragment, "duration_minutes", "时长在1到600分钟之间")
    assert 'name="board_query" value="show=due"' in fragment


# --- the household register ------------------------------------------------------------------


def household_data(**changes) -> dict:
    data = {"head_name": "李秀珍", "grid": "第3网格", "estate": "幸福里小区", "building": "7", "room": "101",
            "address_note": "", "members": "老伴已故", "categories": ["solitary"], "tier": "key",
            "visit_interval_days": "14", "contact_name": "儿子李强", "contact_phone": "13612345678",
            "consent": "y", "notes": "工作人员备注", "helper_brief": "给志愿者的说明"}
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


HOUSEHOLD_REFUSALS = [
    ("no-name", {"head_name": ""}, "head_name", "请填写姓名"),
    ("no-building", {"building": ""}, "building", "请填写楼栋"),
    ("outside-without-address", {"outside_area": "y", "building": "", "address_note": ""}, "address_note",
     "请填写外地地址"),
    ("phone-12345", {"contact_phone": "12345"}, "contact_phone", "请填写11位手机号"),
    ("phone-letters", {"contact_phone": "1381234567x"}, "contact_phone", "请填写11位手机号"),
    ("interval-0", {"visit_interval_days": "0"}, "visit_interval_days", "1到365天"),
    ("interval-400", {"visit_interval_days": "400"}, "visit_interval_days", "1到365天"),
    ("interval-abc", {"visit_interval_days": "abc"}, "visit_interval_days", "请填写整数"),
    ("category-unknown", {"categories": ["solitary", "religion"]}, "categories", "请从列出的选项中选择"),
    ("tier-unknown", {"tier": "vip"}, "tier", "不是有效的选择"),
    ("name-nul", {"head_name": "李\x00秀珍"}, "head_name", "含有无法识别的字符"),
    ("name-esc", {"head_name": "李\x1b秀珍"}, "head_name", "含有无法识别的字符"),
    ("notes-nul", {"notes": NUL}, "notes", "含有无法识别的字符"),
    ("brief-esc", {"helper_brief": ESC}, "helper_brief", "含有无法识别的字符"),
    ("address-esc", {"outside_area": "y", "address_note": ESC}, "address_note", "含有无法识别的字符"),
    ("name-10000", {"head_name": LONG}, "head_name", "不能超过40个字"),
    ("building-10000", {"building": LONG}, "building", "不能超过20个字"),
    ("members-10000", {"members": LONG}, "members", "不能超过300个字"),
    ("notes-10000", {"notes": LONG}, "notes", "不能超过1000个字"),
    ("brief-10000", {"helper_brief": LONG}, "helper_brief", "不能超过500个字"),
    ("phone-10000", {"contact_phone": "1" * 10_000}, "contact_phone", "请填写11位手机号"),
]


@pytest.mark.parametrize("target", ["new", "edit"])
@pytest.mark.parametrize("changes, field_id, message", [c[1:] for c in HOUSEHOLD_REFUSALS],
                         ids=[c[0] for c in HOUSEHOLD_REFUSALS])
def test_household_refusals(app, world, target, changes, field_id, message):
    url = "/households/new" if target == "new" else f"/households/{world.h}/edit"
    typed = household_data(**changes)
    # A plain form (no hx-post, no hx-boost): htmx never posts it.
    for body in refused(client_as(world, "staff_a"), url, typed, htmx=False):
        assert_message(body, field_id, message)
        form = read_form(body)
        for name in ("head_name", "room", "contact_name", "notes", "helper_brief", "members"):
            if not any(ch in typed[name] for ch in "\x00\x1b"):
                assert form.values.get(name) == typed[name], name
        boxes = checked(body)
        assert boxes.get("consent") == ["y"]
        if field_id != "tier":
            assert boxes.get("tier") == ["key"]
        if field_id != "categories":
            assert boxes.get("categories") == ["solitary"]


def test_household_register_saves_what_was_typed(app, world):
    response = client_as(world, "staff_a").post(
        "/households/new", data=household_data(categories=["solitary", "dibao"]))
    assert response.status_code == 303, text(response)[:1500]
    db.session.rollback()
    item = db.session.scalars(select(Household).where(Household.head_name == "李秀珍")).one()
    assert urlsplit(response.headers["Location"]).path == f"/households/{item.id}"
    assert (item.community_id, item.address, item.grid, item.categories, item.tier, item.visit_interval_days,
            item.contact_phone, item.notes, item.helper_brief, item.consent_recorded_at is not None) == (
        world.home, "幸福里小区 7号楼 101室", "第3网格", "dibao,solitary", "key", 14, "13612345678", "工作人员备注",
        "给志愿者的说明", True)


def test_household_outside_the_area_needs_no_building(app, world):
    response = client_as(world, "staff_a").post("/households/new", data=household_data(
        outside_area="y", building="", room="", address_note="武汉市洪山区珞喻路1号", visit_interval_days=""))
    assert response.status_code == 303, text(response)[:1500]
    db.session.rollback()
    item = db.session.scalars(select(Household).where(Household.head_name == "李秀珍")).one()
    assert item.address == "外地：武汉市洪山区珞喻路1号" and item.visit_interval_days is None


def test_household_edit_clears_unticked_categories_and_consent(app, world):
    response = client_as(world, "staff_a").post(f"/households/{world.h}/edit", data=household_data(
        head_name=HEAD, categories=None, consent=None))
    assert response.status_code == 303, text(response)[:1500]
    db.session.rollback()
    item = db.session.get(Household, world.h)
    assert (item.categories, item.consent_recorded_at, item.building) == ("", None, "7")


@pytest.mark.parametrize("typed", ["138-1234-5678", "１３６１２３４５６７８"])
def test_household_contact_phone_typed_the_phone_keyboard_way(app, world, typed):
    """As on the register form (tests/web/test_phone_input.py): dashes and full-width digits are understood."""
    response = client_as(world, "staff_a").post("/households/new", data=household_data(contact_phone=typed))
    assert response.status_code == 303, read_form(text(response)).messages
    db.session.rollback()
    assert db.session.scalars(select(Household.contact_phone).where(Household.head_name == "李秀珍")).one() in (
        "13812345678", "13612345678")


# --- pairing a household --------------------------------------------------------------------


def pairing_data(w, **changes) -> dict:
    data = {"helper_phones": w.people.newcomer.phone, "team_id": "0", "reason": "独居，需要每周探访",
            "starts_on": w.today.isoformat()}
    data.update({k: v(w) if callable(v) else v for k, v in changes.items()})
    return data


PAIRING_REFUSALS = [
    ("phone-of-another-community", {"helper_phones": lambda w: w.people.outsider.phone}, "helper_phones",
     "没有找到本社区手机号为"),
    ("unknown-phone", {"helper_phones": "13000000000"}, "helper_phones", "没有找到本社区手机号为13000000000"),
    ("three-helpers", {"helper_phones": lambda w: "，".join(
        (w.people.newcomer.phone, w.people.member_t.phone, w.people.resident.phone))}, "helper_phones",
     "最多2位结对志愿者"),
    ("neither-helpers-nor-team", {"helper_phones": ""}, "helper_phones", "请填写结对志愿者的手机号，或选择一支队伍"),
    ("team-of-another-community", {"helper_phones": "", "team_id": lambda w: str(w.team_b)}, "team_id",
     "不是有效的选择"),
    ("team-abc", {"team_id": "abc"}, "team_id", "选择无效"),
    ("phone-12345", {"helper_phones": "12345"}, "helper_phones", "“12345”不是11位手机号"),
    ("phones-10000", {"helper_phones": "1" * 10_000}, "helper_phones", "不能超过40个字"),
    ("phones-nul", {"helper_phones": "139\x0000000000"}, "helper_phones", "含有无法识别的字符"),
    ("no-reason", {"reason": ""}, "reason", "请填写结对原因"),
    ("reason-10000", {"reason": LONG}, "reason", "不能超过200个字"),
    ("reason-esc", {"reason": ESC}, "reason", "含有无法识别的字符"),
    ("starts-too-far-ahead", {"starts_on": days(120)}, "starts_on", "开始日期太远了"),
    ("starts-garbage", {"starts_on": "2026-02-30"}, "starts_on", "不是有效的日期值"),
    ("starts-year-9999", {"starts_on": "9999-12-31"}, "starts_on", "请填写正确的日期"),
]


@pytest.mark.parametrize("changes, field_id, message", [c[1:] for c in PAIRING_REFUSALS],
                         ids=[c[0] for c in PAIRING_REFUSALS])
def test_pairing_refusals(app, world, changes, field_id, message):
    typed = pairing_data(world, **changes)
    for body in refused(client_as(world, "staff_a"), f"/households/{world.h2}/pairings", typed):
        assert_message(body, field_id, message)
        form = read_form(body)
        for name in ("helper_phones", "reason", "starts_on"):
            if not any(ch in typed[name] for ch in "\x00\x1b"):
                assert form.values.get(name) == typed[name], name


def test_second_pairing_while_one_is_active_is_refused_next_to_the_field(app, world):
    typed = pairing_data(world)
    for body in refused(client_as(world, "staff_a"), f"/households/{world.h}/pairings", typed):
        assert_message(body, "helper_phones", "这户已有正在进行的结对")
        assert read_form(body).values.get("helper_phones") == typed["helper_phones"]


def test_pairing_with_helpers_and_team_is_saved(app, world):
    p = world.people
    response = client_as(world, "staff_a").post(f"/households/{world.h2}/pairings", data=pairing_data(
        world, helper_phones=f"{p.newcomer.phone}、{p.resident.phone}", team_id=str(world.team_t)))
    assert response.status_code == 303, text(response)[:1500]
    assert urlsplit(response.headers["Location"]).path == f"/households/{world.h2}"
    db.session.rollback()
    pairing = db.session.scalars(select(Pairing).where(Pairing.household_id == world.h2)).one()
    assert (pairing.team_id, pairing.reason, pairing.starts_on, pairing.ends_on, pairing.created_by_id) == (
        world.team_t, "独居，需要每周探访", world.today, None, p.staff_a.id)
    assert current_helper_ids(world.h2, world.today) == {p.newcomer.id, p.resident.id}


@pytest.mark.parametrize("typed", ["138-0000-0000", "１３８００００００００"])
def test_pairing_helper_phone_typed_the_phone_keyboard_way(app, world, typed):
    f.user(db.session.get(Household, world.h2).community, "键盘阿姨", phone="13800000000")
    response = client_as(world, "staff_a").post(f"/households/{world.h2}/pairings",
                                                data=pairing_data(world, helper_phones=typed))
    assert response.status_code == 303, read_form(text(response)).messages
    db.session.rollback()
    assert len(current_helper_ids(world.h2, world.today)) == 1


def test_pairing_by_htmx_returns_the_panel(app, world):
    response = client_as(world, "staff_a").post(f"/households/{world.h2}/pairings", headers=HX,
                                                data=pairing_data(world, helper_phones="", team_id=str(world.team_t)))
    body = text(response)
    assert response.status_code == 200, body[:1500]
    assert body.lstrip().startswith('<section id="pairing-panel"') and "已结对" in body
    db.session.rollback()
    assert db.session.scalars(select(Pairing.team_id).where(Pairing.household_id == world.h2)).all() == [world.team_t]


# --- choosing helpers (handover) --------------------------------------------------------------

HELPERS_REFUSALS = [
    ("leader-picks-a-non-member", "leader_t", "pairing", lambda w: w.people.resident.phone, "不是本队队员"),
    ("leader-picks-another-community", "leader_t", "pairing", lambda w: w.people.outsider.phone,
     "没有找到本社区手机号为"),
    ("staff-three-helpers", "staff_a", "pairing", lambda w: ",".join(
        (w.people.newcomer.phone, w.people.member_t.phone, w.people.resident.phone)), "最多2位结对志愿者"),
    ("staff-another-community", "staff_a", "pairing", lambda w: w.people.outsider.phone, "没有找到本社区手机号为"),
    ("staff-phone-12345", "staff_a", "pairing", lambda w: "12345", "不是11位手机号"),
    ("staff-phones-nul", "staff_a", "pairing", lambda w: "139\x0000000000", "含有无法识别的字符"),
    ("staff-nobody-left-without-team", "staff_a", "p3", lambda w: "", "至少要有一位结对志愿者"),
]


@pytest.mark.parametrize("role, pairing, phones, message", [c[1:] for c in HELPERS_REFUSALS],
                         ids=[c[0] for c in HELPERS_REFUSALS])
def test_helpers_refusals(app, world, role, pairing, phones, message):
    typed = {"helper_phones": phones(world)}
    for body in refused(client_as(world, role), f"/pairings/{getattr(world, pairing)}/helpers", typed):
        assert_message(body, "helper_phones", message)
        if "\x00" not in typed["helper_phones"]:
            assert read_form(body).values.get("helper_phones") == typed["helper_phones"]


def test_leader_chooses_team_members_plain_and_by_htmx(app, world):
    p = world.people
    client = client_as(world, "leader_t")
    response = client.post(f"/pairings/{world.pairing}/helpers", data={"helper_phones": p.member_t.phone})
    assert response.status_code == 303
    db.session.rollback()
    assert current_helper_ids(world.h, world.today) == {p.member_t.id}
    response = client.post(f"/pairings/{world.pairing}/helpers", headers=HX,
                           data={"helper_phones": f"{p.member_t.phone} {p.helper.phone}"})
    assert response.status_code == 200 and "已更换结对志愿者" in text(response) and "<html" not in text(response)
    db.session.rollback()
    assert current_helper_ids(world.h, world.today) == {p.member_t.id, p.helper.id}


# --- major change, end -------------------------------------------------------------------------

CHANGE_REFUSALS = [
    ("kind-unknown", {"kind": "religion"}, "kind", "不是有效的选择"),
    ("note-10000", {"note": LONG}, "note", "不能超过200个字"),
    ("note-nul", {"note": NUL}, "note", "含有无法识别的字符"),
]


@pytest.mark.parametrize("changes, field_id, message", [c[1:] for c in CHANGE_REFUSALS],
                         ids=[c[0] for c in CHANGE_REFUSALS])
def test_major_change_refusals(app, world, changes, field_id, message):
    typed = {"kind": "hospital", "note": "摔倒住院", **changes}
    for body in refused(client_as(world, "helper"), f"/households/{world.h}/changes", typed):
        assert_message(body, field_id, message)
        if field_id != "note":
            assert read_form(body).values.get("note") == "摔倒住院"


def test_major_change_is_saved_plain_and_by_htmx(app, world):
    client = client_as(world, "helper")
    assert client.post(f"/households/{world.h}/changes", data={"kind": "bereavement", "note": "老伴去世"}
                       ).status_code == 303
    response = client.post(f"/households/{world.h}/changes", data={"kind": "hospital", "note": ""}, headers=HX)
    assert response.status_code == 200 and "已记录，需要在24小时内探访" in text(response)
    db.session.rollback()
    assert [(e.kind, e.note) for e in db.session.scalars(select(HouseholdEvent).where(
        HouseholdEvent.reported_by_id == world.people.helper.id).order_by(HouseholdEvent.id))][-2:] == [
        ("bereavement", "老伴去世"), ("hospital", "")]


def test_ending_an_ended_pairing_is_409(app, world):
    client = client_as(world, "staff_a")
    response = client.post(f"/pairings/{world.p3}/end", headers=HX)
    assert response.status_code == 200 and "结对已结束" in text(response)
    for body in refused(client, f"/pairings/{world.p3}/end", {}, status=409):
        assert "这个结对已经结束了" in body


# --- the follow-up queue ------------------------------------------------------------------------


def follow_up_panel(body: str, follow_up_id: int) -> str:
    start = body.index(f'id="follow-up-{follow_up_id}"')
    return body[start:body.index("</form>", start)]


FOLLOW_UP_REFUSALS = [
    ("closed-without-resolution", {"status": "closed", "resolution": ""}, "办结时请写明怎么处理的"),
    ("owner-not-staff", {"owner_id": lambda w: str(w.people.helper.id)}, "不是有效的选择"),
    ("owner-staff-of-another-community", {"owner_id": lambda w: str(w.people.staff_b.id)}, "不是有效的选择"),
    ("owner-abc", {"owner_id": "abc"}, "选择无效"),
    ("status-unknown", {"status": "lost"}, "不是有效的选择"),
    ("resolution-10000", {"resolution": LONG}, "不能超过300个字"),
    ("resolution-esc", {"resolution": ESC}, "含有无法识别的字符"),
]


@pytest.mark.parametrize("changes, message", [c[1:] for c in FOLLOW_UP_REFUSALS],
                         ids=[c[0] for c in FOLLOW_UP_REFUSALS])
def test_follow_up_refusals(app, world, changes, message):
    typed = {"status": "doing", "owner_id": "0", "resolution": "已联系物业",
             **{k: v(world) if callable(v) else v for k, v in changes.items()}}
    for body in refused(client_as(world, "staff_a"), f"/follow-ups/{world.follow_up}", typed):
        panel = follow_up_panel(body, world.follow_up)
        assert message in panel and 'class="field-msg"' in panel  # next to the form that failed
        if "\x1b" not in typed["resolution"] and len(typed["resolution"]) < 300:
            assert f'value="{typed["resolution"]}"' in panel
        if typed["status"] in ("open", "doing", "closed"):
            assert checked(panel).get("status") == [typed["status"]]


def test_updating_a_closed_follow_up_is_a_refused_state_change(app, world):
    for body in refused(client_as(world, "staff_a"), f"/follow-ups/{world.closed}",
                        {"status": "closed", "owner_id": "0", "resolution": "再办结一次"}, status=409):
        assert "这条跟进已经办结了" in body


def test_closing_a_follow_up_records_who_and_when(app, world):
    p = world.people
    client = client_as(world, "staff_a")
    response = client.post(f"/follow-ups/{world.follow_up}",
                           data={"status": "doing", "owner_id": str(p.staff_a2.id), "resolution": ""})
    assert response.status_code == 303
    db.session.rollback()
    item = db.session.get(FollowUp, world.follow_up)
    assert (item.status, item.owner_id, item.closed_at, item.closed_by_id) == ("doing", p.staff_a2.id, None, None)
    response = client.post(f"/follow-ups/{world.follow_up}", headers=HX,
                           data={"status": "closed", "owner_id": "0", "resolution": "已联系燃气公司上门维修"})
    body = text(response)
    assert response.status_code == 200 and body.lstrip().startswith('<section id="queue"')
    assert "已办结" in body and "已联系燃气公司上门维修" in body
    db.session.rollback()
    item = db.session.get(FollowUp, world.follow_up)
    assert (item.status, item.owner_id, item.resolution, item.closed_by_id) == (
        "closed", p.staff_a2.id, "已联系燃气公司上门维修", p.staff_a.id)
    assert item.closed_at is not None and abs(item.closed_at - utcnow()) < timedelta(minutes=5)
