"""The programme's daily step (``jobs.daily``): last days that passed end the leaver's pairs; it runs at
API start and every hour in the embedded setup (``jobs.lifecycle``) and as an hourly cron job in the
worker; running it again changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from domain.enums import MentorshipEndReason, MentorStatus, PairingAction, PairingCause
from domain.models import Mentor, Mentorship, PairingChange
from domain.paris_time import PARIS
from jobs import daily, lifecycle, worker
from tests.conftest import Backend
from tests.factories import catalogue, mentor, pair, student
from tests.jobs.helpers import eventually, fresh_jobs  # noqa: F401  (autouse fixture)

TODAY = datetime.now(PARIS).date()


async def a_mentor_past_their_last_day() -> tuple[Mentor, Mentorship]:
    path, projects = await catalogue(1)
    leaver = await mentor(projects, n=1, capacity=3)
    learner = await student(path, projects[0], n=1)
    first_day = TODAY - timedelta(days=30)
    first_day -= timedelta(days=max(0, first_day.weekday() - 4))  # a weekday evening: both are available
    pairing = await pair(learner, leaver, datetime.combine(first_day, time(19)))
    # The notice was given weeks ago (giveNotice refuses a last day less than 14 days ahead).
    await Mentor.filter(id=leaver.id).update(
        notice_given_on=TODAY - timedelta(days=20), last_day=TODAY - timedelta(days=1)
    )
    return leaver, pairing


async def test_the_daily_step_ends_a_leavers_pairs_once(db: Backend) -> None:
    leaver, pairing = await a_mentor_past_their_last_day()

    first = await daily.apply_due(TODAY)
    again = await daily.apply_due(TODAY)

    assert first.get("left") == 1
    assert not any(again.values())
    ended = await Mentorship.get(id=pairing.id)
    assert ended.end_reason is MentorshipEndReason.MENTOR_LEFT
    assert ended.ended_on == TODAY - timedelta(days=1)
    assert (await Mentor.get(id=leaver.id)).status is MentorStatus.LEFT
    audit = await PairingChange.filter(mentorship_id=pairing.id, action=PairingAction.ENDED)
    assert [(a.cause, a.actor) for a in audit] == [(PairingCause.NOTICE, "system")]


async def test_the_embedded_api_runs_the_daily_step_at_start(db: Backend) -> None:
    leaver, _ = await a_mentor_past_their_last_day()
    assert not db.settings.uses_redis

    await lifecycle.start(db.settings, daily_every_s=3600)
    try:

        async def left() -> bool:
            return (await Mentor.get(id=leaver.id)).status is MentorStatus.LEFT

        await eventually(left, within_s=30, what="the daily step at start")
    finally:
        await lifecycle.stop()


async def test_the_worker_runs_the_daily_step_hourly(db: Backend) -> None:
    leaver, _ = await a_mentor_past_their_last_day()
    crons = {c.coroutine.__name__: c for c in worker.WorkerSettings.cron_jobs}
    step = crons["daily_step"]
    assert step.run_at_startup and step.minute == {5}

    report = await worker.daily_step({"redis": None})

    assert report.get("left") == 1
    assert (await Mentor.get(id=leaver.id)).status is MentorStatus.LEFT
