"""A published run's introductions, written after its commit (both databases): the publish leaves the run
owing them and writes none; a pass writes two per new pair with their feed events and marks the run; a
pass that dies between two batches leaves the run owing the rest, and the next pass writes each missing
message once; two passes at once write each message once; runs published before the change owe nothing."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from domain.enums import MessageKind, RunStatus
from domain.models import Event, MatchingRun, Mentorship, Message
from domain.paris_time import PARIS, week_monday
from domain.services import events, introductions, notifications, run_publish, run_requests
from jobs.tasks import run_matching
from tests.conftest import Backend
from tests.factories import catalogue, mentor, student

TODAY = datetime.now(PARIS).date()
NEXT_WEEK = week_monday(TODAY) + timedelta(days=7)
PAIRS = 12


async def _published() -> MatchingRun:
    """A run of ``PAIRS`` new pairs, solved and published through the services (no sending pass)."""
    path, projects = await catalogue()
    for i in range(3):
        await mentor(projects[:1], n=i, capacity=5)
    for i in range(PAIRS):
        await student(path, projects[0], n=i)
    run = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert await run_matching({"job_try": 1}, str(run.id)) == "succeeded"
    outcome = await run_publish.publish_run(run.id, actor="staff:1")
    assert len(outcome.created) == PAIRS
    return await MatchingRun.get(id=run.id)


async def _feed_of_introductions() -> list[dict[str, Any]]:
    return [
        payload
        for payload in await Event.filter(kind=notifications.NOTIFICATION).values_list("payload", flat=True)
        if payload["kind"] == "pair_started"
    ]


async def _check_each_written_once(run: MatchingRun) -> None:
    pairs = await Mentorship.filter(run_id=run.id)
    messages = await Message.filter(kind=MessageKind.PAIR_STARTED)
    wanted = {
        notifications.message_key(MessageKind.PAIR_STARTED, f"m{m.id}", role, person)
        for m in pairs
        for role, person in (("mentor", m.mentor_id), ("student", m.student_id))
    }
    assert sorted(m.key for m in messages) == sorted(wanted)
    feed = await _feed_of_introductions()
    assert sorted(p["messageId"] for p in feed) == sorted(m.id for m in messages)  # one each
    row = await MatchingRun.get(id=run.id)
    assert row.introduced_at is not None


async def test_the_publish_owes_the_introductions_and_a_pass_writes_them(db: Backend) -> None:
    run = await _published()
    assert run.status is RunStatus.PUBLISHED and run.introduced_at is None
    assert await Message.filter(kind=MessageKind.PAIR_STARTED).count() == 0
    assert await introductions.write_due(batch=5) == 2 * PAIRS
    await _check_each_written_once(run)
    # Words as the one-by-one path renders them, to the right people.
    pair = await Mentorship.filter(run_id=run.id).first()
    assert pair is not None
    drafts = notifications.draft_pairing_messages(
        pair, "mentorship_started", mentor=await pair.mentor, student=await pair.student
    )
    for draft in drafts:
        key = notifications.message_key(MessageKind.PAIR_STARTED, f"m{pair.id}", draft.role, draft.person_id)
        message = await Message.get(key=key)
        assert (message.subject, message.text, message.email) == (draft.subject, draft.text, draft.email)
        feed = await Event.filter(topic=notifications.topic_of(draft.role, draft.person_id)).values_list(
            "kind", flat=True
        )
        assert notifications.NOTIFICATION in feed
    # A second pass finds nothing owed and writes nothing.
    assert await introductions.write_due() == 0
    await _check_each_written_once(run)


async def test_a_pass_that_dies_between_batches_is_finished_by_the_next(
    db: Backend, monkeypatch: pytest.MonkeyPatch
) -> None:
    run = await _published()
    real = events.record_many
    calls = 0

    async def dies_at_the_second_batch(items: Any) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 2:
            raise ConnectionError("the database went away")
        return await real(items)

    monkeypatch.setattr(events, "record_many", dies_at_the_second_batch)
    with pytest.raises(ConnectionError):
        await introductions.write_due(batch=5)
    monkeypatch.setattr(events, "record_many", real)
    # The first batch is in, the second rolled back with its messages, the run still owes the rest.
    assert await Message.filter(kind=MessageKind.PAIR_STARTED).count() == 2 * 5
    assert len(await _feed_of_introductions()) == 2 * 5
    assert (await MatchingRun.get(id=run.id)).introduced_at is None
    assert await introductions.write_due(batch=5) == 2 * (PAIRS - 5)
    await _check_each_written_once(run)


async def test_two_passes_at_once_write_each_message_once(db: Backend) -> None:
    run = await _published()
    written = await asyncio.gather(introductions.write_due(batch=4), introductions.write_due(batch=4))
    assert sum(written) == 2 * PAIRS
    await _check_each_written_once(run)


async def test_a_run_published_before_owes_nothing_and_other_runs_none(db: Backend) -> None:
    run = await _published()
    stamped = datetime.now(UTC)
    await MatchingRun.filter(id=run.id).update(introduced_at=stamped)  # as migration 0014 marks them
    assert await introductions.write_due() == 0
    assert await Message.filter(kind=MessageKind.PAIR_STARTED).count() == 0
    # A run not published owes nothing either, whatever its mark.
    other = await run_requests.start_run(
        run_requests.RunScope(), run_requests.RunOptions(time_limit_s=5, week=NEXT_WEEK)
    )
    assert (await MatchingRun.get(id=other.id)).introduced_at is None
    assert await introductions.write_due() == 0
