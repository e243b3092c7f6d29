"""`flask backup` and `flask restore` as they run on a server, on the suite's database (SQLite or PostgreSQL)."""
from __future__ import annotations

import re
import sqlite3
import stat
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from shequ_volunteer.backups import files
from shequ_volunteer.backups.postgres import client_tool, libpq_url
from shequ_volunteer.refusals import Refused
from tests import factories as f
from tests.support.backups import restore, rows_of

NAME = re.compile(r"^shequ-\d{8}T\d{6}Z(-\d+)?\.(sqlite3|dump)$")


def backup(runner, *args: str):
    return runner.invoke(args=["backup", *args])


def written_path(output: str) -> Path:
    return Path(re.search(r"Backup written: (\S+?)（", output).group(1))


def some_data():
    home = f.community()
    team = f.team(home)
    activity = f.activity(team)
    f.signup(activity, f.user(home, name="张秀英"))
    return activity


def test_a_backup_restores_into_an_empty_database(app, runner, database_url, empty_database, tmp_path, db_kind):
    some_data()
    result = backup(runner, "--to", str(tmp_path / "backups"))
    assert result.exit_code == 0, result.output
    path = written_path(result.output)
    assert path.parent == tmp_path / "backups" and NAME.match(path.name)
    assert path.suffix == {"sqlite": ".sqlite3", "postgresql": ".dump"}[db_kind]
    assert re.search(r"（\d+\.\d (KB|MB)；\d+ 张表，共 \d+ 行", result.output), result.output  # size, tables, rows
    # Households' records are in there: the site's user alone may read them.
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700

    restored = restore(empty_database, path)
    assert restored.exit_code == 0, restored.output
    assert "已恢复" in restored.output and "与程序一致" in restored.output
    assert rows_of(empty_database) == rows_of(database_url)
    assert rows_of(empty_database)["signups"] == 1


def test_a_database_with_rows_is_refused_unless_forced(app, runner, database_url, empty_database, tmp_path):
    some_data()
    path = written_path(backup(runner, "--to", str(tmp_path)).output)
    assert restore(empty_database, path).exit_code == 0
    f.user(f.community(name="另一个社区"), name="李四")  # the live database moves on
    newer = written_path(backup(runner, "--to", str(tmp_path)).output)

    refused = restore(empty_database, newer)
    assert refused.exit_code == 1
    assert "没有恢复" in refused.output and "已经有数据" in refused.output and "--force" in refused.output
    assert rows_of(empty_database)["users"] == 1  # untouched

    forced = restore(empty_database, newer, "--force")
    assert forced.exit_code == 0, forced.output
    assert rows_of(empty_database) == rows_of(database_url)


def test_tables_without_rows_count_as_empty(app, runner, database_url, tmp_path):
    """The suite's own database: migrated, emptied by the fixture: a backup of it may be restored onto it."""
    path = written_path(backup(runner, "--to", str(tmp_path)).output)
    assert restore(database_url, path).exit_code == 0


def test_a_file_that_is_not_a_backup_is_refused(app, empty_database, tmp_path):
    stranger = tmp_path / "shequ-20261204T203000Z.dump"
    stranger.write_bytes(b"not a database at all")
    refused = restore(empty_database, stranger)
    assert refused.exit_code == 1 and "不是" in refused.output and "备份文件" in refused.output


def test_the_newest_backups_are_kept(app, runner, tmp_path):
    other = tmp_path / "notes.txt"
    other.write_text("not ours")
    names = []
    for _ in range(3):
        result = backup(runner, "--to", str(tmp_path), "--keep", "2")
        assert result.exit_code == 0, result.output
        names.append(written_path(result.output).name)
    assert f"Old backup deleted: {names[0]}" in result.output
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([*names[1:], "notes.txt"])


def test_keep_must_be_at_least_one(app, runner, tmp_path):
    assert backup(runner, "--to", str(tmp_path), "--keep", "0").exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_backups_go_to_the_instance_folder_by_default(app, runner):
    result = backup(runner)
    assert result.exit_code == 0, result.output
    assert written_path(result.output).parent == Path(app.instance_path) / "backups"


def test_names_follow_the_utc_time_and_sort_by_it(tmp_path):
    now = datetime(2026, 12, 4, 20, 30, 0)
    paths = []
    for _ in range(3):  # three backups in one second
        paths.append(files.new_path(tmp_path, now, ".sqlite3"))
        paths[-1].write_bytes(b"")
    assert [p.name for p in paths] == ["shequ-20261204T203000Z.sqlite3", "shequ-20261204T203000Z-1.sqlite3",
                                       "shequ-20261204T203000Z-2.sqlite3"]
    earlier = files.new_path(tmp_path, datetime(2026, 12, 3, 23, 59, 59), ".sqlite3")
    earlier.write_bytes(b"")
    (tmp_path / "shequ-20261205T000000Z.dump").write_bytes(b"")  # another kind: not counted, not deleted
    (tmp_path / "shequ-20261205T000000Z.sqlite3.partial").write_bytes(b"")  # unfinished: never a backup
    assert files.backups_in(tmp_path, ".sqlite3") == [earlier, *paths]
    assert files.prune(tmp_path, ".sqlite3", keep=2) == [earlier, paths[0]]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [paths[1].name, paths[2].name, "shequ-20261205T000000Z.dump", "shequ-20261205T000000Z.sqlite3.partial"])


def test_the_database_url_is_given_to_libpq_without_its_password():
    url = make_url("postgresql+psycopg://shequ:p%40ss@db.example:5433/shequ?sslmode=require")
    assert libpq_url(url) == ("postgresql://shequ@db.example:5433/shequ?sslmode=require", {"PGPASSWORD": "p@ss"})
    assert libpq_url(make_url("postgresql+psycopg://postgres@127.0.0.1/shequ")) == (
        "postgresql://postgres@127.0.0.1/shequ", {})


def test_missing_postgresql_client_tools_are_named_with_the_package(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(Refused) as refusal:
        client_tool("pg_dump")
    assert "找不到 pg_dump" in refusal.value.message and "postgresql-client" in refusal.value.message
    assert "pg_dump not found" in refusal.value.message


def test_a_postgresql_backup_without_pg_dump_says_so_and_writes_nothing(app, runner, db_kind, monkeypatch, tmp_path):
    if db_kind != "postgresql":
        pytest.skip("SQLite needs no client tools")
    monkeypatch.setenv("PATH", str(tmp_path / "bin"))
    result = backup(runner, "--to", str(tmp_path / "backups"))
    assert result.exit_code == 1
    assert "没有备份" in result.output and "找不到 pg_dump" in result.output
    assert list((tmp_path / "backups").iterdir()) == []


@pytest.mark.parametrize("revision, status, message", [
    ("31a6d7cdd11b", 0, "flask --app wsgi db upgrade"),  # an older revision of migrations/: upgrade after
    ("0123456789ab", 1, "不是这个程序的迁移"),  # unknown here: a newer program's backup
])
def test_the_restored_schema_version_is_checked_against_the_migrations(
        app, runner, db_kind, empty_database, tmp_path, revision, status, message):
    if db_kind == "postgresql":
        pytest.skip("the version is changed inside a SQLite file; the check itself is the same code for both")
    path = written_path(backup(runner, "--to", str(tmp_path)).output)
    with sqlite3.connect(path) as copy:
        copy.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    copy.close()
    result = restore(empty_database, path)
    assert result.exit_code == status, result.output
    assert "已恢复" in result.output and message in result.output and revision in result.output
