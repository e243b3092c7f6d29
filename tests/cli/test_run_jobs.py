"""`flask run-jobs` as cron runs it: the command, `--now`, and two processes of it racing on one database (SQLite
or PostgreSQL, whichever the suite runs on), which send every message exactly once between them."""
from __future__ import annotations

import io
import re
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from shequ_volunteer.extensions import db
from shequ_volunteer.imports import uploads
from shequ_volunteer.jobs.housekeeping import PRUNE_KIND, prunings
from shequ_volunteer.jobs.models import JobRun
from shequ_volunteer.outbox.services import queue_for_team
from tests import factories as f
from tests.support.commands import held_at_the_write, start_command
from tests.support.job_worlds import activity_at, activity_world, beijing, messages_of, pairing_world, sent_pairs
from tests.support.robot_server import RobotServer

PROJECT = Path(__file__).resolve().parents[2]
REPORT_LINE = re.compile(r"^(\w+): (\d+) sent \((\d+) messages\), (\d+) already done$", re.M)


def tallies(output: str) -> dict[str, tuple[int, int, int]]:
    """{kind: (instances sent, messages, instances already done)} from the command's report."""
    return {kind: (int(sent), int(messages), int(done)) for kind, sent, messages, done in REPORT_LINE.findall(output)}


def test_the_command_runs_the_jobs_at_the_instant_given(app, runner):
    activity_world(beijing("2026-12-31 10:00"))
    result = runner.invoke(args=["run-jobs", "--now", "2026-12-31T10:00+08:00"])
    assert result.exit_code == 0, result.output
    assert tallies(result.output) == {"reminder_tomorrow": (1, 3, 0), "leader_under_half": (1, 2, 0)}
    assert len(messages_of("reminder_tomorrow")) == 3
    again = runner.invoke(args=["run-jobs", "--now", "2026-12-31T18:00"])  # no offset: Beijing time
    assert tallies(again.output) == {"reminder_tomorrow": (0, 0, 1), "leader_under_half": (0, 0, 1)}


def test_at_night_it_says_so_and_sends_nothing(app, runner):
    activity_world(beijing("2026-12-31 23:30"))
    result = runner.invoke(args=["run-jobs", "--now", "2026-12-31T15:30Z"])  # 23:30 Beijing
    assert result.exit_code == 0 and "outside 08:00–21:00 Beijing time" in result.output
    assert messages_of() == []
    demo = runner.invoke(args=["run-jobs", "--now", "2026-12-31T15:30Z", "--any-hour"])  # bin/run-demo's way
    assert tallies(demo.output)["reminder_tomorrow"] == (1, 3, 0)


def test_each_run_delivers_the_outbox_even_at_night(app, runner):
    """A work-group post queued by a change goes out at the next run, whatever the hour (a real local robot)."""
    with RobotServer() as robot:
        team = f.team(f.community())
        team.webhook_url = robot.url()
        post = "【青年志愿服务队】活动已取消：周末清洁家园"
        queue_for_team(team, post, beijing("2026-12-31 23:00"))
        db.session.commit()
        result = runner.invoke(args=["run-jobs", "--now", "2026-12-31T23:30+08:00"])
        assert result.exit_code == 0 and "outbox: 1 sent" in result.output, result.output
        again = runner.invoke(args=["run-jobs", "--now", "2026-12-31T23:35+08:00"])
        assert "outbox: 0 sent" in again.output
        assert robot.received == [{"msgtype": "text", "text": {"content": post}}]


def test_each_run_deletes_uploads_older_than_an_hour(app, runner, tmp_path):
    """A list uploaded for 导入 and never confirmed is gone an hour later, even if nobody uploads again."""
    app.config["IMPORT_FOLDER"] = str(tmp_path)
    home = f.community()
    staff = f.staff(home)
    for minutes_ago in (61, 59):
        uploads.save(tmp_path, io.BytesIO(b"name,phone\n"), user_id=staff.id, community_id=home.id, kind="residents",
                     file_name="list.csv", now=beijing("2026-12-31 10:00") - timedelta(minutes=minutes_ago))
    result = runner.invoke(args=["run-jobs", "--now", "2026-12-31T10:00+08:00"])
    assert result.exit_code == 0 and "imports: 1 uploads older than an hour removed" in result.output, result.output
    assert len(list(tmp_path.iterdir())) == 2  # the younger one's file and record


def test_a_bad_instant_is_refused_in_chinese(app, runner):
    result = runner.invoke(args=["run-jobs", "--now", "明天早上"])
    assert result.exit_code == 2 and "ISO 8601" in result.output
    assert messages_of() == []


def big_world(now):
    """Many job instances (so the two processes overlap for a while): 40 activities tomorrow with 3 holders each,
    and the pairing world's helper."""
    world = activity_world(now)
    team, home = world.activity.team, world.activity.team.community
    people = [f.user(home, f"居民{number}") for number in range(12)]
    for number in range(40):
        extra = activity_at(team, world.activity.starts_at, title=f"活动{number}", capacity=10)
        for person in people[number % 4 * 3:number % 4 * 3 + 3]:
            f.signup(extra, person)
    pairing_world(now)
    return world


def start_run_jobs(database_url: str, instant: str):
    return start_command(database_url, "run-jobs", "--now", instant)


def held_at_the_first_write(database_url: str, db_kind: str):
    """Hold what a job's first write needs — SQLite's write lock, or on PostgreSQL a lock on job_runs — while the
    racers start, until both are planned and blocked there."""
    return held_at_the_write(
        database_url, db_kind, "LOCK TABLE job_runs IN ACCESS EXCLUSIVE MODE",
        "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = 'job_runs'::regclass",
        "both processes to wait for job_runs")


def test_two_processes_at_the_same_moment_send_each_message_once(app, database_url, db_kind):
    """Both processes are held at the door of their first write until both have planned the same deliveries, then
    let go together: every delivery is claimed by exactly one of them, the other skips it (no error), and each
    person has exactly one message of each job instance."""
    big_world(beijing("2026-12-31 10:00"))
    db.session.remove()
    with held_at_the_first_write(database_url, db_kind) as wait_until_planned:
        racers = [start_run_jobs(database_url, "2026-12-31T10:00+08:00") for _ in range(2)]
        wait_until_planned(racers)
    outputs, texts = [], []
    for racer in racers:
        out, err = racer.communicate(timeout=120)
        assert racer.returncode == 0, err
        outputs.append(tallies(out))
        texts.append(out)

    pairs = sent_pairs()
    assert pairs and all(count == 1 for *_person_and_job, count in pairs)
    runs = Counter(db.session.scalars(select(JobRun.kind).where(JobRun.kind != PRUNE_KIND)))
    assert runs == {"reminder_tomorrow": 41, "leader_under_half": 41, "visits_due_digest": 1}
    # The day's housekeeping too: done by one of them, found done by the other (no error), as the output says.
    assert db.session.scalar(select(func.count()).select_from(JobRun).where(JobRun.kind == PRUNE_KIND)) == 1
    assert [output_text.count("job_runs: 0 rows older than 60 days deleted") for output_text in texts].count(1) == 1
    for pruning in prunings():  # every table's line, printed by the one that did it
        line = f"{pruning.table}: 0 {pruning.rows} deleted"
        assert [output_text.count(line) for output_text in texts].count(1) == 1, line
    for kind, claimed in runs.items():  # each instance: sent by one process, found done by the other
        assert sum(output[kind][0] for output in outputs) == claimed
        assert sum(output[kind][2] for output in outputs) == claimed
        assert sum(output[kind][1] for output in outputs) == sum(1 for pair in pairs if pair[1] == kind)
    assert db.session.scalar(select(func.sum(JobRun.messages_sent))) == len(pairs)
