"""Who may open which report route: every route × every role, on the hand-built community.

route                            staff  staff_b  viewer  leader  holder  resident  admin  stopped  anonymous
GET  /reports                    200    own      404     404     404     404       404    login    login
GET  /reports/records/activities 200    own      404     404     404     404       404    login    login
GET  /reports/ledger.xlsx        200    own      404     404     404     404       404    login    login
GET  /reports/street             404    404      200     404     404     404       404    login    login
GET  /reports/certificate        200    200      200     200     200     200       200    login    login
GET  /reports/certificates/S     404    404      404     404     200     404       404    login    login
GET  /verify/S                   200    200      200     200     200     200       200    200      200

own: 200 but only the person's own community (幸福里's figures are absent). holder: 丙, who issued S.
admin: the 街道's 系统管理员 before creating the 街道 (staff of no community, no viewer).
stopped: staff of 幸福里 who signed in, then had their account stopped.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import ROLE_VIEWER, User
from shequ_volunteer.extensions import db
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.services.test_report_figures import world  # noqa: F401 (the hand-built community)

from .helpers import text

NOVEMBER = "kind=month&value=2026-11"
ROUTES = {
    "stats": f"/reports?{NOVEMBER}",
    "records": f"/reports/records/activities?{NOVEMBER}",
    "ledger": f"/reports/ledger.xlsx?{NOVEMBER}",
    "street": f"/reports/street?{NOVEMBER}",
    "certificate_form": "/reports/certificate",
    "certificate": "/reports/certificates/{serial}",
    "verify": "/verify/{serial}",
}
ROLES = ["staff", "staff_b", "viewer", "leader", "holder", "resident", "admin", "stopped", "anonymous"]
OWN, LOGIN = "own", "login"
EXPECTED = {
    "stats": [200, OWN, 404, 404, 404, 404, 404, LOGIN, LOGIN],
    "records": [200, OWN, 404, 404, 404, 404, 404, LOGIN, LOGIN],
    "ledger": [200, OWN, 404, 404, 404, 404, 404, LOGIN, LOGIN],
    "street": [404, 404, 200, 404, 404, 404, 404, LOGIN, LOGIN],
    "certificate_form": [200, 200, 200, 200, 200, 200, 200, LOGIN, LOGIN],
    "certificate": [404, 404, 404, 404, 200, 404, 404, LOGIN, LOGIN],
    "verify": [200, 200, 200, 200, 200, 200, 200, 200, 200],
}


@pytest.fixture
def people(app, world):  # noqa: F811
    home, youth, _science = world
    leader = f.user(home, "队长")
    f.member(youth, leader, leader=True)
    holder = db.session.scalar(select(User).where(User.name == "丙"))
    client = f.logged_in(app, holder)
    answer = client.post("/reports/certificate", data={"kind": "range", "start": "2026-11-01",
                                                      "end": "2026-11-30"})
    assert answer.status_code == 303, text(answer)[:500]
    serial = answer.headers["Location"].rsplit("/", 1)[1]
    db.session.rollback()
    return {"staff": f.staff(home, "社工"), "staff_b": f.staff(f.community("光明社区"), "外社工"),
            "viewer": f.user(home, "街道刘科长", role=ROLE_VIEWER), "leader": leader, "holder": holder,
            "resident": f.user(home, "居民"), "admin": f.admin(), "stopped": f.staff(home, "停用社工"),
            "anonymous": None}, serial


@pytest.mark.parametrize("route", sorted(ROUTES))
@pytest.mark.parametrize("role", ROLES)
def test_report_route_matrix(app, people, route, role):
    persons, serial = people
    expected = EXPECTED[route][ROLES.index(role)]
    client = app.test_client()
    if persons[role] is not None:
        f.login(client, persons[role])
    if role == "stopped":  # stopped after signing in: the account's state alone must shut them out
        persons[role].deactivated_at = utcnow()
        db.session.commit()
    response = client.get(ROUTES[route].format(serial=serial))
    if expected == LOGIN:
        assert response.status_code in (302, 303) and "/login" in response.headers["Location"]
    elif expected == OWN:
        assert response.status_code == 200
        if route == "ledger":  # its own community's workbook; tests/web/test_ledger.py opens it
            assert response.mimetype.endswith("spreadsheetml.sheet")
        else:
            assert "幸福里" not in response.get_data(as_text=True)
    else:
        assert response.status_code == expected, (route, role, response.status_code)


def test_the_docstring_is_the_matrix():
    lines = [line.split() for line in __doc__.splitlines() if line.startswith("GET")]
    assert [line[2:] for line in lines] == [
        [str(value) for value in EXPECTED[route]] for route in ROUTES]
