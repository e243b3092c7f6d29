"""Importing a messy 5,000-row resident list (`flask import`'s work, and the import page's): the seconds the
preview, the confirmed import and a second import of the same file take, and the SQL statements each sends,
on a fresh database each. Goal: under 10 s for the preview and for the import.

    .venv/bin/python bench/import_bench.py [--db sqlite|postgresql|both] [--rows 5000]

The file (tests.support.messy_files, written by xlsxwriter as Excel writes it): a title row and a two-row
merged header above the list, phones as numbers, spaced, dashed, full-width and with +86, birth years as
formulas with their cached values, a blank row every 7, a 合计 footer, a hidden sheet; 1 % of the rows
repeat an earlier phone and 1 % have a phone of 7 digits (problem rows).
"""
from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import run as bench  # noqa: E402  (the throwaway database)


def messy_list(path: Path, rows: int) -> Path:
    from tests.support import messy_files as messy

    persons = messy.people(rows)
    for number in range(0, rows, 100):  # 1 %: the phone of an earlier row again
        persons[number + 50] = dataclasses.replace(persons[number + 50], phone=persons[number].phone)
    for number in range(25, rows, 100):  # 1 %: a phone too short
        persons[number] = dataclasses.replace(persons[number], phone=f"138{number:04d}")
    return messy.write_xlsx(path, messy.Sheet("花名册", messy.roster_rows(persons), merges=messy.ROSTER_MERGES,
                                              formatted_blank_columns=3),
                            messy.Sheet("旧名单", [["姓名", "手机号"], ["旧人", "13700000000"]], hidden=True))


def measure(database_kind: str, path: Path, tmp: Path) -> list[str]:
    from sqlalchemy import func, select

    from shequ_volunteer.accounts.actor import command_line_actor
    from shequ_volunteer.accounts.models import User
    from shequ_volunteer.extensions import db
    from shequ_volunteer.imports import services
    from shequ_volunteer.imports.columns import looks_like_header
    from shequ_volunteer.imports.reading import open_table
    from shequ_volunteer.timeutil import utcnow
    from tests.support.statements import counting_statements

    database = bench.Database(database_kind, tmp)
    lines = []
    try:
        with bench.community_app(database) as community:
            def table():
                return open_table(path, path.name, None, lambda cells: looks_like_header(cells, "residents"))

            def timed(what: str, work) -> object:
                db.session.rollback()
                with counting_statements() as sent:
                    started = time.perf_counter()
                    result = work()
                    seconds = time.perf_counter() - started
                lines.append(f"{database_kind:10} {what:24} {seconds:6.2f} s  {len(sent):3} statements")
                return result

            def preview():
                with table() as opened:
                    return services.preview(community, "residents", opened, None, utcnow())

            def confirm():
                with table() as opened:
                    done = services.confirm(command_line_actor(community.id), community, "residents", opened, None,
                                            utcnow(), path.name)
                db.session.commit()
                return done

            plan = timed("preview", preview)
            lines.append(f"{'':10} {'':24} creates {len(plan.creates)}, problem rows {plan.problem_rows}, "
                         f"skipped {len(plan.skipped)}")
            done = timed("confirm (import)", confirm)
            lines.append(f"{'':10} {'':24} created {done.created}, updated {done.updated}, skipped {done.skipped}, "
                         f"problem rows {done.problem_rows}")
            again = timed("the same file again", confirm)
            lines.append(f"{'':10} {'':24} created {again.created}, skipped {again.skipped}; "
                         f"users now {db.session.scalar(select(func.count()).select_from(User))}")
    finally:
        database.drop()
    return lines


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=5000)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = messy_list(Path(tmp) / "居民花名册.xlsx", args.rows)
        print(f"{path.name}: {args.rows} people, {path.stat().st_size // 1024} KB")
        for kind in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
            print("\n".join(measure(kind, path, Path(tmp))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
