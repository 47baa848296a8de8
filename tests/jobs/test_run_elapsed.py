"""A run's last progress event says how long it took, even when it finished before the first tick."""

from __future__ import annotations

from datetime import date, timedelta

from domain.enums import RunStatus
from domain.models import Event, MatchingRun
from domain.paris_time import week_monday
from domain.services import run_requests
from domain.services.events import run_topic
from jobs.tasks import run_matching
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student

WEEK = week_monday(date.today()) + timedelta(days=7)


async def test_a_fast_run_reports_its_elapsed_time(db: Backend) -> None:
    path, projects = await catalogue()
    await mentor(projects[:1], capacity=2)
    await student(path, projects[0])
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    stored = await MatchingRun.get(id=run.id)
    assert stored.status is RunStatus.SUCCEEDED and stored.started_at and stored.finished_at
    assert stored.progress is not None and stored.progress["phase"] == "done"
    assert stored.progress["elapsedS"] > 0.0
    last = await Event.filter(topic=run_topic(run.id)).order_by("-id").first()
    assert last is not None and last.payload["status"] == "succeeded"
    assert last.payload["elapsedS"] == stored.progress["elapsedS"] > 0.0
