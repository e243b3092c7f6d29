"""Sending messages: each person once, in bulk; the unread count is one query however many messages."""
from __future__ import annotations

from sqlalchemy import select

from shequ_volunteer.extensions import db
from shequ_volunteer.messages import services as messages
from shequ_volunteer.messages.models import Message
from shequ_volunteer.timeutil import utcnow
from tests import factories as f
from tests.support.statements import counting_statements


def test_each_person_gets_one_message_and_the_text_is_cut_to_fit(app):
    home = f.community()
    a, b = f.user(home, "甲"), f.user(home, "乙")
    written = messages.send([a.id, b.id, a.id], "activity_changed", "标" * 200, "文" * 1000, "/activities/1", utcnow())
    db.session.commit()
    assert written == 2
    rows = db.session.scalars(select(Message).order_by(Message.user_id)).all()
    assert [row.user_id for row in rows] == [a.id, b.id]
    assert len(rows[0].title) == messages.TITLE_MAX and len(rows[0].body) == messages.BODY_MAX
    assert messages.unread_count(a.id) == 1


def test_a_rolled_back_change_sends_nothing(app):
    person = f.user(f.community(), "甲")
    messages.send([person.id], "activity_cancelled", "活动取消", "", "/", utcnow())
    db.session.rollback()
    assert messages.unread_count(person.id) == 0


def test_the_unread_count_is_one_statement_at_10_and_at_10000_messages(app):
    person_id = f.user(f.community(), "甲").id
    for total in (10, 10_000):
        messages.send([person_id], "notice", "公告", "", "/", utcnow())  # one more each round
        db.session.execute(Message.__table__.insert(), [
            {"user_id": person_id, "kind": "notice", "title": "公告", "body": "", "link": "/",
             "created_at": utcnow()} for _ in range(total - 1)])
        db.session.commit()
        with counting_statements() as statements:
            unread = messages.unread_count(person_id)
        assert [s for s in statements if s != "BEGIN"] == [s for s in statements if "FROM messages" in s]
        assert len([s for s in statements if "FROM messages" in s]) == 1
        assert unread >= total
