"""The 街道 roll-up of eight two-year communities (issue 15).

    .venv/bin/python bench/reports.py [--db sqlite|postgresql] [--copies 8] [--samples 8] [--fresh]

growth.py's 730-day community (bench/cache, built there if missing) is copied into a database of its own and its
rows are copied `copies - 1` more times with every id shifted (INSERT … SELECT of users, teams, memberships,
activities, sign-ups, households, pairings and their helpers, visits, follow-ups and the kept figures): each
copy is a community of its own, all of them in one 街道. The growth build's 街道 viewer then asks the roll-up of
this year and of last year, and the staff member the first community's report, in-process as growth.py asks
(2 warm-up requests, then `--samples`): median CPU ms per request (app, plus the PostgreSQL backends) and the
statements sent. The copied database is kept for the rest of the Beijing day like growth's own.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

import community as bench
import growth

SHIFT = 10_000_000  # ids of copy k are the original's + k * SHIFT
CLONED = ("communities", "users", "teams", "memberships", "activities", "signups", "households", "pairings",
          "pairing_helpers", "visits", "follow_ups", "figure_days", "participant_years", "participant_days")


def clone_statements(metadata, copy: int) -> list[str]:
    """One INSERT … SELECT per table: the original's rows (ids below SHIFT) as copy `copy`."""
    from sqlalchemy import Integer, func, insert, literal, select

    offset, found = copy * SHIFT, []
    for name in CLONED:
        table = metadata.tables[name]
        columns, keyed = [], None
        for column in table.columns:
            shifted = (column.primary_key and isinstance(column.type, Integer) and not column.foreign_keys) or any(
                key.column.table.name in CLONED for key in column.foreign_keys)
            if shifted:
                keyed = keyed if keyed is not None else column
                columns.append(column + offset)
            elif (name, column.name) == ("users", "phone"):  # unique: 9, the copy and the number's last 9 digits
                columns.append(literal(f"9{copy}").op("||")(func.substr(column, 3)))
            elif (name, column.name) == ("communities", "name"):
                columns.append(column.op("||")(literal(f"（{copy}）")))
            else:
                columns.append(column)
        found.append(insert(table).from_select([c.name for c in table.columns],
                                                select(*columns).where(keyed < SHIFT)))
    return found


def build_copies(url: str, copies: int) -> None:
    from sqlalchemy import select, text, update

    from shequ_volunteer import create_app
    from shequ_volunteer.communities.models import Community, Street
    from shequ_volunteer.config import normalise_database_url
    from shequ_volunteer.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": normalise_database_url(url), "SECRET_KEY": "bench-reports"})
    with app.app_context():
        started = time.perf_counter()
        first = db.session.scalar(select(Community).order_by(Community.id))
        if first.street_id is None:
            street = Street(name="东湖街道")
            db.session.add(street)
            db.session.flush()
            first.street_id = street.id
            db.session.flush()
        for copy in range(1, copies):
            for statement in clone_statements(db.metadata, copy):
                db.session.execute(statement)
        db.session.execute(update(Community).values(street_id=first.street_id))
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text("VACUUM ANALYZE"))  # as growth.py: two years of autovacuum
        print(f"  copied the community {copies - 1} times in {time.perf_counter() - started:.0f} s", flush=True)
        db.session.remove()
        db.engine.dispose()  # PostgreSQL copies a database only when nobody is connected to it


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--samples", type=int, default=8)
    parser.add_argument("--fresh", action="store_true")
    args = parser.parse_args()
    from shequ_volunteer.timeutil import local_today, utcnow

    with tempfile.TemporaryDirectory() as tmp:
        source = growth.Cached(args.db, 730, 2026, Path(tmp))  # run.py's default --seed: the growth cache
        meta = source.make(fresh=False)
        name = f"rollup-{args.copies}-{source.key}"
        if args.db == "sqlite":
            path = growth.CACHE_DIR / f"{name}.db"
            if args.fresh or not path.exists():
                growth.shutil.copyfile(source.sqlite_path, path)
                build_copies(f"sqlite:///{path}", args.copies)
                growth.checkpoint(path)
            target_path = Path(tmp) / "rollup.db"
            growth.shutil.copyfile(path, target_path)
            url, db_name = f"sqlite:///{target_path}", str(target_path)
        else:
            cached = f"shequ_{name.replace('-', '_')}"
            if args.fresh or cached not in growth.pg_databases():
                growth.pg_execute(f'DROP DATABASE IF EXISTS "{cached}" WITH (FORCE)')
                growth.pg_execute(f'CREATE DATABASE "{cached}" TEMPLATE "{source.pg_name}"')
                build_copies(bench.PG_DB_URL.format(name=cached), args.copies)
            db_name = f"{cached}_run"
            growth.pg_execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')
            growth.pg_execute(f'CREATE DATABASE "{db_name}" TEMPLATE "{cached}"')
            url = bench.PG_DB_URL.format(name=db_name)
        target = growth.open_target(730, url, db_name, meta)
        year = local_today(utcnow()).year
        pages = [growth.Page(f"街道 roll-up of {args.copies} communities, {year}", "viewer",
                             f"/reports/street?kind=year&value={year}"),
                 growth.Page(f"街道 roll-up of {args.copies} communities, {year - 1}", "viewer",
                             f"/reports/street?kind=year&value={year - 1}"),
                 growth.Page(f"/reports year {year} (one community)", "staff", f"/reports?kind=year&value={year}")]
        print(f"\nRoll-up ({args.db}): CPU ms per request, median of {args.samples}; statements")
        for page in pages:
            seen = []
            for number in range(growth.WARM_UP + args.samples):
                app_ms, db_ms, count, _response = growth.ask(target, page, args.db, {})
                if number >= growth.WARM_UP:
                    seen.append((app_ms + db_ms, count))
            print(f"| {page.name} | {statistics.median(c for c, _n in seen):.1f} ms | "
                  f"{statistics.median(n for _c, n in seen):.0f} |", flush=True)
        target.engine.dispose()
        if args.db == "postgresql":
            growth.pg_execute(f'DROP DATABASE IF EXISTS "{db_name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
