"""database.read_alone: one read on a connection of its own, in autocommit — no session transaction,
no BEGIN or ROLLBACK (what a feed's 304 saves), and only what is committed."""
from __future__ import annotations

from sqlalchemy import func, select, text

from shequ_volunteer.database import read_alone
from shequ_volunteer.extensions import db
from tests import factories as f
from tests.support.statements import counting_statements

# PostgreSQL sets a transaction's now() from the statement that starts it when there is no BEGIN before it
# (autocommit); after a BEGIN, now() is the BEGIN's moment and the next statement starts later.
STATEMENT_IS_ITS_OWN_TRANSACTION = text("SELECT now() = statement_timestamp()")


def test_one_statement_and_no_transaction(app, db_kind):
    db.session.remove()
    with counting_statements() as sent:
        assert read_alone(select(func.count()).select_from(db.metadata.tables["users"]), {})[0] == 0
    assert len(sent) == 1 and sent[0].startswith("SELECT"), sent  # SQLite's BEGIN would be here: see configure_engine
    assert not db.session().in_transaction()  # the session was never opened
    if db_kind == "postgresql":
        assert read_alone(STATEMENT_IS_ITS_OWN_TRANSACTION, {})[0] is True
        # The control: the session's transaction began before its first statement.
        assert db.session.execute(STATEMENT_IS_ITS_OWN_TRANSACTION).scalar() is False
        db.session.rollback()


def test_it_reads_what_is_committed_only(app):
    person = f.user(f.community(), name="张三")
    db.session.commit()
    person.name = "改名未提交"
    db.session.flush()
    by_name = select(func.count()).select_from(db.metadata.tables["users"]).where(text("name = :name"))
    assert read_alone(by_name, {"name": "改名未提交"})[0] == 0
    db.session.commit()
    assert read_alone(by_name, {"name": "改名未提交"})[0] == 1
