"""Housekeeping run-jobs does once a Beijing day: job_runs rows are needed only for the day they claim (a run plans
for today alone), so rows of days long past are deleted. Kept KEEP_JOB_RUNS days as a record of what each day sent."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import delete

from ..extensions import db
from .claims import claim_and_do
from .models import JobRun

KEEP_JOB_RUNS = timedelta(days=60)
# Its own job_runs key: claimed like any job instance, so of several hosts one deletes, once a day.
PRUNE_KIND, PRUNE_OBJECT = "job_runs_pruned", "job_runs"


def prune_job_runs(today: date, now: datetime) -> int | None:
    """Delete the job_runs rows of days more than KEEP_JOB_RUNS before `today`: how many, or None when another run
    had already done it today. Deleting what is already gone deletes nothing, so it is safe to repeat."""
    deleted = 0

    def prune(_run: JobRun) -> None:
        nonlocal deleted
        deleted = db.session.execute(delete(JobRun).where(JobRun.day < today - KEEP_JOB_RUNS)
                                     .execution_options(synchronize_session=False)).rowcount
    return None if claim_and_do(PRUNE_KIND, PRUNE_OBJECT, today, now, prune) is None else deleted
