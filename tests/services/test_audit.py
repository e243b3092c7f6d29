"""操作记录: every audited action writes exactly one row, in its own transaction, and none when refused."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from types import SimpleNamespace

import pytest
from flask import current_app
from sqlalchemy import delete, func, select, update

from shequ_volunteer.accounts import codes
from shequ_volunteer.accounts.actor import actor_for
from shequ_volunteer.activities import services as activity_services
from shequ_volunteer.audit import models as audit
from shequ_volunteer.audit import queries as audit_queries
from shequ_volunteer.audit.models import AuditEntry, AuditIsAppendOnly
from shequ_volunteer.communities.models import Street
from shequ_volunteer.extensions import db
from shequ_volunteer.hours import services as hours_services
from shequ_volunteer.pairing import services as pairing_services
from shequ_volunteer.pairing.models import Household
from shequ_volunteer.people import services as people_services
from shequ_volunteer.refusals import Refused
from shequ_volunteer.teams import services as team_services
from tests import factories as f

NOW = datetime(2026, 11, 22, 2, 0)  # 10:00 in Beijing
HOUSEHOLD = {"head_name": "孙奶奶", "building": "3", "tier": "high", "categories": ["empty_nest"]}


@pytest.fixture
def w(app):
    street = Street(name="东湖街道")
    db.session.add(street)
    db.session.commit()
    home, elsewhere = f.community("幸福里社区"), f.community("光明社区")
    home.street_id = street.id
    db.session.commit()
    team = f.team(home)
    staff, foreign_staff = f.staff(home, "王芳"), f.staff(elsewhere, "外社工")
    leader, volunteer, other = f.user(home, "李队长"), f.user(home, "赵志愿"), f.user(home, "钱志愿")
    f.member(team, leader, leader=True)
    f.member(team, volunteer)
    f.member(team, other)
    activity = f.activity(team, now=NOW)
    household = Household(community_id=home.id, head_name="孙奶奶", building="3", tier="high", categories="")
    db.session.add(household)
    db.session.commit()
    return SimpleNamespace(street=street, home=home, elsewhere=elsewhere, team=team, staff=staff,
                           foreign_staff=foreign_staff, leader=leader, volunteer=volunteer, other=other,
                           activity=activity, household=household)


def audit_rows() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def paired(w):
    pairing = pairing_services.create_pairing(actor_for(w.staff), w.household, [w.volunteer.phone], None, "独居",
                                              date(2026, 11, 1), NOW)
    db.session.commit()
    return pairing


def claimed(w):
    entry = hours_services.claim(actor_for(w.volunteer), w.team.id, date(2026, 11, 20), 90, "入户陪伴", NOW)
    db.session.commit()
    return entry


def decided(w):
    entry = claimed(w)
    hours_services.decide(actor_for(w.staff), entry, True, NOW)
    db.session.commit()
    return entry


def ended(w):
    pairing = paired(w)
    pairing_services.end_pairing(actor_for(w.staff), pairing, NOW)
    db.session.commit()
    return pairing


def cancelled(w):
    activity_services.cancel_activity(actor_for(w.leader), w.activity, NOW)
    db.session.commit()


def signed_up(w):
    signup = activity_services.sign_up(actor_for(w.volunteer), w.activity, NOW)
    db.session.commit()
    return signup


def code_checked(purpose: str):
    """Preparation of entering a code: the volunteer (without a login, for opening) is given one by staff
    and has typed it in; the check is done, the action uses it."""
    def prepare(w):
        if purpose == "open":
            w.volunteer.password_hash = ""
        key = current_app.config["SECRET_KEY"]
        issued = people_services.issue_code(actor_for(w.staff), w.volunteer, purpose, False, NOW, key)
        db.session.commit()
        assert codes.reserve(w.volunteer.phone, "10.0.0.1", NOW, {"per_phone": 5, "per_ip": 30, "window_minutes": 15})
        return codes.check(w.volunteer.phone, issued.code, "new-pass-2026", "10.0.0.1", NOW, key)
    return prepare


def code_used(w):
    checked = code_checked("reset")(w)
    people_services.set_password_with_code(checked, False, NOW)
    db.session.commit()
    return checked


def issue_code(purpose: str, who: str = "volunteer"):
    def act(w, _):
        if purpose == "open" and who == "volunteer":
            w.volunteer.password_hash = ""
        return people_services.issue_code(actor_for(w.staff), getattr(w, who), purpose, True, NOW,
                                          current_app.config["SECRET_KEY"])
    return act


# (kind written, how to prepare, the action; the action gets w and what the preparation returned)
ACTIONS = {
    "appoint leader": (audit.LEADER_APPOINTED, None, lambda w, _: team_services.set_leader(
        actor_for(w.staff), w.team, w.volunteer.phone, True, NOW)),
    "remove leader": (audit.LEADER_REMOVED, None, lambda w, _: team_services.set_leader(
        actor_for(w.staff), w.team, w.leader.phone, False, NOW)),
    "correct hours": (audit.HOURS_CORRECTED, signed_up, lambda w, signup: hours_services.correct(
        actor_for(w.leader), w.activity, signup, 75, NOW)),
    "approve hours": (audit.HOURS_APPROVED, claimed, lambda w, entry: hours_services.decide(
        actor_for(w.staff), entry, True, NOW)),
    "decline hours": (audit.HOURS_DECLINED, claimed, lambda w, entry: hours_services.decide(
        actor_for(w.staff), entry, False, NOW)),
    "register household": (audit.HOUSEHOLD_CREATED, None, lambda w, _: pairing_services.save_household(
        actor_for(w.staff), None, HOUSEHOLD, NOW)),
    "edit household": (audit.HOUSEHOLD_EDITED, None, lambda w, _: pairing_services.save_household(
        actor_for(w.staff), w.household, {**HOUSEHOLD, "building": "5"}, NOW)),
    "pair": (audit.PAIRING_CREATED, None, lambda w, _: pairing_services.create_pairing(
        actor_for(w.staff), w.household, [w.volunteer.phone], None, "独居", date(2026, 11, 1), NOW)),
    "hand over": (audit.PAIRING_HANDED_OVER, paired, lambda w, pairing: pairing_services.change_helpers(
        actor_for(w.staff), pairing, [w.other.phone], NOW)),
    "end pairing": (audit.PAIRING_ENDED, paired, lambda w, pairing: pairing_services.end_pairing(
        actor_for(w.staff), pairing, NOW)),
    "cancel activity": (audit.ACTIVITY_CANCELLED, None, lambda w, _: activity_services.cancel_activity(
        actor_for(w.leader), w.activity, NOW)),
    "restore activity": (audit.ACTIVITY_RESTORED, cancelled, lambda w, _: activity_services.restore_activity(
        actor_for(w.leader), w.activity, NOW)),
    "issue opening code": (audit.OPENING_CODE_ISSUED, None, issue_code("open")),
    "issue reset code": (audit.RESET_CODE_ISSUED, None, issue_code("reset")),
    "open account with code": (audit.ACCOUNT_OPENED, code_checked("open"),
                               lambda w, checked: people_services.set_password_with_code(checked, True, NOW)),
    "reset password with code": (audit.PASSWORD_RESET, code_checked("reset"),
                                 lambda w, checked: people_services.set_password_with_code(checked, False, NOW)),
}

# The same actions, refused: by someone not allowed, or with input the service turns down.
REFUSED = {
    "appoint leader": (None, lambda w, _: team_services.set_leader(
        actor_for(w.staff), w.team, w.foreign_staff.phone, True, NOW)),
    "remove leader": (None, lambda w, _: team_services.set_leader(
        actor_for(w.staff), w.team, w.staff.phone, False, NOW)),
    "correct hours": (signed_up, lambda w, signup: hours_services.correct(
        actor_for(w.leader), f.activity(w.team, title="另一个活动", now=NOW), signup, 75, NOW)),
    "decide hours twice": (decided, lambda w, entry: hours_services.decide(actor_for(w.staff), entry, True, NOW)),
    "register household": (None, lambda w, _: pairing_services.save_household(
        actor_for(w.foreign_staff), w.household, HOUSEHOLD, NOW)),
    "edit household without building": (None, lambda w, _: pairing_services.save_household(
        actor_for(w.staff), w.household, {**HOUSEHOLD, "building": ""}, NOW)),
    "pair a stranger": (None, lambda w, _: pairing_services.create_pairing(
        actor_for(w.staff), w.household, [w.foreign_staff.phone], None, "独居", date(2026, 11, 1), NOW)),
    "hand over by a resident": (paired, lambda w, pairing: pairing_services.change_helpers(
        actor_for(w.other), pairing, [w.other.phone], NOW)),
    "restore what is not cancelled": (None, lambda w, _: activity_services.restore_activity(
        actor_for(w.leader), w.activity, NOW)),
    "end twice": (ended, lambda w, pairing: pairing_services.end_pairing(actor_for(w.staff), pairing, NOW)),
    "code for oneself": (None, issue_code("reset", who="staff")),
    "opening code for an opened account": (None, issue_code("open", who="leader")),
    "code from another community's staff": (None, lambda w, _: people_services.issue_code(
        actor_for(w.foreign_staff), w.volunteer, "reset", False, NOW, current_app.config["SECRET_KEY"])),
    "open without agreeing": (code_checked("open"),
                              lambda w, checked: people_services.set_password_with_code(checked, False, NOW)),
    "a used code again": (code_used, lambda w, checked: people_services.set_password_with_code(checked, False, NOW)),
}


@pytest.mark.parametrize("name", ACTIONS)
def test_each_action_writes_exactly_one_row(app, w, name):
    kind, prepare, act = ACTIONS[name]
    prepared = prepare(w) if prepare else None
    before = len(audit_rows())
    act(w, prepared)
    db.session.commit()
    rows = audit_rows()
    assert len(rows) == before + 1
    row = rows[-1]
    assert row.kind == kind and row.at == NOW
    assert row.community_id == w.home.id and row.street_id == w.street.id
    # Staff or a leader; entering a code, the person themself.
    assert row.actor_id in (w.staff.id, w.leader.id, w.volunteer.id)
    assert row.summary and row.target_id is not None


@pytest.mark.parametrize("name", ACTIONS)
def test_the_row_is_written_in_the_changes_transaction(app, w, name):
    """Flushed, never committed by the service: rolling the change back takes its row with it."""
    _kind, prepare, act = ACTIONS[name]
    prepared = prepare(w) if prepare else None
    before = len(audit_rows())
    act(w, prepared)
    assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before + 1  # visible in the transaction
    db.session.rollback()
    assert len(audit_rows()) == before


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_action_writes_no_row(app, w, name):
    prepare, act = REFUSED[name]
    prepared = prepare(w) if prepare else None
    before = len(audit_rows())
    with pytest.raises(Refused):
        act(w, prepared)
    db.session.rollback()
    assert len(audit_rows()) == before


def test_cancelling_a_cancelled_activity_again_changes_nothing_and_records_nothing(app, w):
    activity_services.cancel_activity(actor_for(w.leader), w.activity, NOW)
    db.session.commit()
    activity_services.cancel_activity(actor_for(w.leader), w.activity, NOW + timedelta(hours=1))
    db.session.commit()
    assert [row.kind for row in audit_rows()] == [audit.ACTIVITY_CANCELLED]


def test_the_row_stores_no_names_so_a_renamed_or_closed_account_is_shown_by_its_current_name(app, w):
    team_services.set_leader(actor_for(w.staff), w.team, w.volunteer.phone, True, NOW)
    db.session.commit()
    w.staff.name = "王芳芳"
    db.session.commit()
    [row] = audit_rows()
    [(_entry, actor_name, target_name)] = audit_queries.entries(audit_queries.scope_of(actor_for(w.staff)), 1).rows
    assert (actor_name, target_name) == ("王芳芳", w.volunteer.name)
    assert "王芳" not in row.summary and w.volunteer.name not in row.summary
    assert (row.target_type, row.target_id) == ("users", w.volunteer.id)
    assert "青年志愿服务队" in row.summary


def test_household_rows_name_no_household_detail(app, w):
    """The 街道 administrator reads these rows too: no name, address or category of a household."""
    pairing_services.save_household(actor_for(w.staff), w.household, {**HOUSEHOLD, "building": "5"}, NOW)
    pairing_services.create_pairing(actor_for(w.staff), w.household, [w.volunteer.phone], None, "独居",
                                    date(2026, 11, 1), NOW)
    db.session.commit()
    for row in audit_rows():
        assert "孙奶奶" not in row.summary and "号楼" not in row.summary and "空巢" not in row.summary
        assert "赵志愿" not in row.summary


def test_the_application_cannot_change_or_delete_a_row(app, w):
    team_services.set_leader(actor_for(w.staff), w.team, w.volunteer.phone, True, NOW)
    db.session.commit()
    [row] = audit_rows()
    row.summary = "改过"
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    db.session.delete(row)
    with pytest.raises(AuditIsAppendOnly):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(AuditIsAppendOnly):
        db.session.execute(update(AuditEntry).values(summary="改过"))
    db.session.rollback()
    with pytest.raises(AuditIsAppendOnly):
        db.session.execute(delete(AuditEntry))
    db.session.rollback()
    assert [r.summary for r in audit_rows()] == ["队伍：青年志愿服务队"]
