"""The slow password check runs before the write lock is taken (SQLite's BEGIN IMMEDIATE)."""
import pytest

from tests import factories as f


@pytest.mark.parametrize("password, status", [(f.PASSWORD, 303), ("wrong-password", 422)])
def test_login_reads_users_before_locking(app, client, db_kind, statements, password, status):
    if db_kind != "sqlite":
        pytest.skip("BEGIN IMMEDIATE exists only on SQLite; PostgreSQL locks rows, not the database")
    person = f.user(f.community())
    statements.clear()
    response = client.post("/login", data={"phone": person.phone, "password": password})
    assert response.status_code == status
    read_user = next(i for i, s in enumerate(statements) if "FROM users" in s)
    lock = statements.index("BEGIN IMMEDIATE")
    assert read_user < lock  # the user (and the argon2 check) came first
    assert "BEGIN IMMEDIATE" not in statements[:read_user]


def test_other_posts_lock_first(app, client, db_kind, statements):
    if db_kind != "sqlite":
        pytest.skip("BEGIN IMMEDIATE exists only on SQLite")
    home = f.community()
    person = f.user(home)
    activity = f.activity(f.team(home))
    f.login(client, person)
    url = f"/activities/{activity.id}/signup"
    statements.clear()
    assert client.post(url).status_code == 303
    assert statements[0] == "BEGIN IMMEDIATE"
