"""Phone numbers typed the way Chinese phone keyboards type them are understood."""
import pytest
from sqlalchemy import select

from shequ_volunteer.accounts.models import User
from shequ_volunteer.extensions import db
from tests import factories as f


@pytest.mark.parametrize("typed", ["13812345678", "１３８１２３４５６７８", "138 1234 5678", "138-1234-5678"])
def test_register_normalises_the_phone(app, client, typed):
    f.community()
    response = client.post("/register", data={"phone": typed, "name": "王阿姨", "password": "abcd1234", "agree": "y"})
    assert response.status_code == 303
    db.session.rollback()
    assert db.session.scalars(select(User.phone)).all() == ["13812345678"]
    # ... and logs in with the plain digits afterwards.
    other = app.test_client()
    assert other.post("/login", data={"phone": "13812345678", "password": "abcd1234"}).status_code == 303
