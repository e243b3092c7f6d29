"""Posting a community notice to 20,000 residents: one inbox row each, written in bulk in the request's
transaction. Prints the seconds the post (service + commit) took and the rows written.

    .venv/bin/python bench/notice_fanout.py [--db sqlite|postgresql] [--residents 20000]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run as bench  # noqa: E402  (the throwaway database)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--residents", type=int, default=20_000)
    args = parser.parse_args(argv)

    from sqlalchemy import func, insert, select

    from shequ_volunteer.accounts.actor import actor_for
    from shequ_volunteer.accounts.models import ROLE_STAFF, User
    from shequ_volunteer.extensions import db
    from shequ_volunteer.messages.models import Message
    from shequ_volunteer.notices import services
    from shequ_volunteer.timeutil import utcnow

    with tempfile.TemporaryDirectory() as tmp:
        database = bench.Database(args.db, Path(tmp))
        try:
            with bench.community_app(database) as community:
                now = utcnow()
                db.session.execute(insert(User), [
                    {"community_id": community.id, "phone": f"139{number:08d}", "name": f"居民{number}",
                     "password_hash": "x", "role": ROLE_STAFF if number == 0 else "resident", "created_at": now}
                    for number in range(args.residents)])
                db.session.commit()
                staff = db.session.scalar(select(User).where(User.role == ROLE_STAFF))
                actor = actor_for(staff)
                started = time.perf_counter()
                notice = services.post(actor, services.Audience.of_community(community.id), "停水通知",
                                       "明天9点到12点停水，请提前储水。", None, True, utcnow())
                db.session.commit()
                seconds = time.perf_counter() - started
                rows = db.session.scalar(select(func.count()).select_from(Message)
                                         .where(Message.notice_id == notice.id))
                print(f"{args.db}: posted a community notice to {args.residents} residents in {seconds:.2f} s, "
                      f"{rows} inbox rows")
        finally:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
