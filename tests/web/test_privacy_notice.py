"""Registration shows the privacy notice and records the version the person agreed to."""
from __future__ import annotations

from sqlalchemy import func, select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.accounts.privacy import PRIVACY_NOTICE, PRIVACY_VERSION
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.web.helpers import read_form, text


def test_the_register_page_shows_the_notice_and_its_version(app, client):
    f.community()
    page = text(client.get("/register"))
    for heading, words in PRIVACY_NOTICE:
        assert heading in page and words in page
    assert f"版本 {PRIVACY_VERSION}" in page


def test_registering_without_agreeing_writes_nothing_and_keeps_what_was_typed(app, client):
    home = f.community()
    typed = {"phone": "13812345678", "name": "李阿姨", "password": "good-pass-123", "community_id": str(home.id)}
    response = client.post("/register", data=typed)
    assert response.status_code == 422
    form = read_form(text(response))
    assert form.messages.get("agree") == "请先阅读并勾选同意《个人信息保护说明》"
    assert (form.values.get("phone"), form.values.get("name")) == ("13812345678", "李阿姨")
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_agreeing_records_the_version_and_the_moment(app, client):
    home = f.community()
    response = client.post("/register", data={"phone": "13812345678", "name": "李阿姨", "password": "good-pass-123",
                                               "community_id": str(home.id), "agree": "y"})
    assert response.status_code == 303
    db.session.rollback()
    person = db.session.scalar(select(User))
    assert person.privacy_version == PRIVACY_VERSION and person.privacy_agreed_at is not None
