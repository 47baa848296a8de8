"""What a run stores and announces has the shape its readers are typed with (``domain.payloads``): the keys
a type requires are there, and no key is there that the type does not name. A writer that renames or adds
a key fails here, not in a reader that reads it by name."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from domain import payloads
from domain.enums import RunStatus
from domain.models import Event, MatchingRun, Mentor
from domain.paris_time import paris_today, week_monday
from domain.services import absences, events, progress, run_publish, run_requests, run_worker
from jobs.tasks import run_matching
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student, verify_current


def assert_shape(value: Any, shape: Any, where: str) -> None:
    assert isinstance(value, dict), where
    missing = shape.__required_keys__ - value.keys()
    unknown = value.keys() - shape.__required_keys__ - shape.__optional_keys__
    assert not missing and not unknown, (
        f"{where}: missing {sorted(missing)}, not in the type {sorted(unknown)}"
    )


async def test_a_run_stores_and_announces_its_typed_shapes(db: Backend) -> None:
    path, projects = await catalogue()
    only = await mentor(projects[:1], capacity=1)
    first = await student(path, projects[0], n=1)
    second = await student(path, projects[0], n=2)  # one seat for two: one student is left unplaced
    week = week_monday(paris_today()) + timedelta(days=7)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=10, week=week)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    stored = await MatchingRun.get(id=run.id)
    assert_shape(stored.scope, payloads.RunScope, "scope")
    assert_shape(stored.options, payloads.RunOptions, "options")
    assert_shape(stored.progress, payloads.RunProgress, "progress")
    assert_shape(stored.snapshot, payloads.SnapshotVersions, "snapshot")
    assert_shape(stored.result, payloads.RunResult, "result")
    assert (
        stored.result is not None and len(stored.result["pairs"]) == 1 and len(stored.result["unplaced"]) == 1
    )
    assert_shape(stored.result["pairs"][0], payloads.ProposedPair, "proposed pair")
    assert_shape(stored.result["unplaced"][0], payloads.Unplaced, "unplaced student")

    published = await run_publish.publish_run(run.id)
    assert len(published.created) == 1
    stored = await MatchingRun.get(id=run.id)
    assert stored.status is RunStatus.PUBLISHED and stored.result is not None
    assert_shape(stored.result, payloads.RunResult, "published result")
    assert_shape(stored.result["published"], payloads.Published, "published")

    statuses = await Event.filter(topic=events.run_topic(run.id)).order_by("id")
    assert [e.payload["status"] for e in statuses if e.kind == "status"] == [
        "queued",
        "running",
        "succeeded",
        "published",
    ]
    for event in statuses:
        assert_shape(event.payload, payloads.RunStatusPayload, f"{event.kind} event {event.id}")
    started = await Event.filter(topic=events.mentor_topic(only.id), kind="mentorship_started").first()
    assert started is not None
    assert_shape(started.payload, payloads.PairPayload, "mentorship_started event")
    assert payloads.pair_event_of(started)["studentId"] in (first.id, second.id)

    # What a stale run would store: a mentor changed since the snapshot, and the pairs changed.
    await Mentor.filter(id=only.id).update(version=only.version + 5)
    changes = await run_worker.snapshot_changes(stored.snapshot)
    assert_shape(changes, payloads.StaleChanges, "stale changes")
    assert [c["id"] for c in changes.get("mentors", [])] == [only.id]
    assert "mentorships" in changes
    assert_shape(changes["mentors"][0], payloads.VersionChange, "version change")
    assert_shape(changes["mentorships"], payloads.PairsChanged, "pairs changed")


async def test_assessment_events_have_their_typed_shapes(db: Backend) -> None:
    path, projects = await catalogue()
    assessor = await mentor(projects[:1], n=1)
    pupil = await student(path, projects[0], n=1)
    await verify_current(pupil)
    now = datetime(2026, 11, 25, 8, 0, tzinfo=UTC)  # a Wednesday: the presentation is on Thursday evening
    done = await progress.finish_project(pupil.id, actor="staff:1", now=now)
    assert done.assessment is not None and done.assessment.assessor_id == assessor.id
    scheduled = await Event.filter(kind="assessment_scheduled").order_by("id")
    assert {e.topic for e in scheduled} == {events.mentor_topic(assessor.id), events.student_topic(pupil.id)}
    for event in scheduled:
        assert_shape(event.payload, payloads.AssessmentPayload, f"{event.kind} event {event.id}")

    # The assessor is away on the day: the presentation loses its assessor.
    await absences.record_absence(
        assessor.id, date(2026, 11, 26), date(2026, 11, 27), today=date(2026, 11, 25), now=now
    )
    unassigned = await Event.filter(kind="assessment_unassigned").order_by("id")
    assert len(unassigned) == 2
    for event in unassigned:
        assert_shape(event.payload, payloads.AssessmentUnassignedPayload, f"{event.kind} event {event.id}")
