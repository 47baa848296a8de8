"""Publishing a run of many pairs (both databases): set-based writes (a statement count that does not grow
with the pairs), the same rows per pair as the one-by-one path (audit row, assignment events, the two
introductions with their feed events, written by the sending pass the commit wakes, email preferences), and people's rows locked only for the writes: a
booking for a mentor of the run goes through while the publish reads, checks and renders."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import Any

import pytest
from tortoise.expressions import F

from domain.enums import MessageKind, MessageStatus, PairingAction, SessionKind
from domain.models import (
    Event,
    MatchingRun,
    Mentor,
    Mentorship,
    Message,
    NotificationPreference,
    PairingChange,
    Session,
)
from domain.models import Student as StudentRow
from domain.services import events, notifications, run_publish, sessions
from tests.conftest import Backend, GraphQLClient, count_queries
from tests.factories import BUILD_NOW, catalogue, mentor, pair, student
from tests.jobs.helpers import fresh_jobs, introduced
from tests.schema.test_runs import PUBLISH, START, WEEK, _finished

__all__ = ["fresh_jobs"]


async def _programme(mentors: int, students: int) -> tuple[list[int], list[int]]:
    path, projects = await catalogue()
    mentor_ids = [(await mentor(projects[:1], n=i, capacity=10)).id for i in range(mentors)]
    student_ids = [(await student(path, projects[0], n=i)).id for i in range(students)]
    return mentor_ids, student_ids


async def _succeeded(gql: GraphQLClient, pairs: int) -> str:
    started = await gql(START, {"input": {"timeLimitS": 20, "week": WEEK}})
    run_id: str = started["startRun"]["run"]["id"]
    run = await _finished(gql, run_id)
    assert run["status"] == "SUCCEEDED", run["error"]
    assert len(run["proposal"]["pairs"]) == pairs
    return run_id


async def _publish(gql: GraphQLClient, run_id: str) -> dict[str, Any]:
    answer: dict[str, Any] = (await gql(PUBLISH, {"input": {"runId": run_id}}))["publishRun"]
    assert answer["__typename"] == "PublishPayload", answer
    return answer


async def test_a_large_publish_writes_set_based_the_same_rows_per_pair(
    db: Backend, gql: GraphQLClient
) -> None:
    mentor_ids, student_ids = await _programme(mentors=12, students=100)
    quiet = mentor_ids[0]  # turned email off for introductions: the feed still gets them
    await NotificationPreference.create(
        recipient_role="mentor", recipient_id=quiet, kind=MessageKind.PAIR_STARTED, email=False
    )
    run_id = await _succeeded(gql, pairs=100)
    with count_queries() as counted:
        published = await _publish(gql, run_id)
    created = await Mentorship.filter(run_id=run_id).order_by("id")
    assert sorted(m.student_id for m in created) == student_ids
    assert sorted(int(c["id"]) for c in published["created"]) == [m.id for m in created]
    # One statement per kind (and per chunk of ids), not some ten per pair: 100 pairs wrote 200
    # assignment events; the 200 introductions and their feed events follow the commit.
    assert len(counted.statements) < 60, len(counted.statements)
    await introduced(run_id)
    audit = await PairingChange.filter(mentorship_id__in=[m.id for m in created])
    assert sorted(a.mentorship_id for a in audit) == [m.id for m in created]
    assert {(a.action, a.actor[:6], a.cause_ref) for a in audit} == {
        (PairingAction.STARTED, "staff:", run_id)
    }
    for m in created:
        mentor_row, student_row = await m.mentor, await m.student
        for topic in (events.mentor_topic(m.mentor_id), events.student_topic(m.student_id)):
            started = await Event.filter(topic=topic, kind="mentorship_started").values_list(
                "payload", flat=True
            )
            assert [p["mentorshipId"] for p in started].count(m.id) == 1, topic
        # The introductions are the ones on_pairing renders for this pair, keyed the same way.
        drafts = notifications.draft_pairing_messages(
            m, "mentorship_started", mentor=mentor_row, student=student_row
        )
        for draft in drafts:
            key = notifications.message_key(MessageKind.PAIR_STARTED, f"m{m.id}", draft.role, draft.person_id)
            message = await Message.get(key=key)
            assert (message.subject, message.text, message.html) == (draft.subject, draft.text, draft.html)
            quiet_one = draft.role == "mentor" and draft.person_id == quiet
            if quiet_one:
                assert message.status is MessageStatus.SKIPPED
            else:  # the senders woken after the commit may have claimed it already
                assert message.status is not MessageStatus.SKIPPED
            feed = await Event.filter(
                topic=notifications.topic_of(draft.role, draft.person_id), kind=notifications.NOTIFICATION
            ).values_list("payload", flat=True)
            assert {"messageId": message.id, "kind": "pair_started", "subject": message.subject} in feed
    assert await Message.filter(kind=MessageKind.PAIR_STARTED).count() == 200
    versions = await StudentRow.filter(id__in=student_ids).values_list("version", flat=True)
    snapshot = (await MatchingRun.get(id=run_id)).snapshot or {}
    assert all(v == snapshot["students"][str(sid)] + 1 for sid, v in zip(student_ids, versions, strict=True))
    print(f"\nFIGURE publish of 100 pairs ({db.name}): {len(counted.statements)} SQL statements")


async def test_a_booking_goes_through_while_a_publish_reads_checks_and_renders(
    db: Backend, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor_ids, student_ids = await _programme(mentors=6, students=40)
    first = await StudentRow.get(id=student_ids[0])
    # A current pair of a mentor of the run (its student is not waiting, so not in the run).
    paired = await student(await first.path, await first.current_project, n=999)
    current = await pair(paired, await Mentor.get(id=mentor_ids[0]))
    run_id = await _succeeded(gql, pairs=40)
    proposed = (await MatchingRun.get(id=run_id)).result or {}
    assert any(p["mentorId"] == current.mentor_id for p in proposed["pairs"])

    locking = asyncio.Event()

    async def book() -> Session:
        await locking.wait()
        return await sessions.book_session(
            sessions.BookingInput(current.id, datetime(2026, 11, 26, 19, 0), kind=SessionKind.REGULAR),
            now=BUILD_NOW,
        )

    # Started here, outside the publish's transaction: its own connection and transaction.
    booking = asyncio.create_task(book())
    plan, relock = run_publish._publish_plan, run_publish._relock

    calls: list[bool] = []

    async def spied_plan(*args: Any, lock: bool, **kwargs: Any) -> Any:
        calls.append(lock)
        return await plan(*args, lock=lock, **kwargs)

    async def book_before_the_locks(*args: Any, **kwargs: Any) -> Any:
        # The publish has read everything, checked every pair and rendered the introductions.
        locking.set()
        if db.name == "postgres":
            # It holds no lock a booking needs: the booking commits before the publish goes on
            # (it waited for the whole publish before, the people's rows locked first).
            await asyncio.wait_for(asyncio.shield(booking), timeout=10)
        # SQLite runs one transaction at a time: there the booking follows the publish.
        return await relock(*args, **kwargs)

    monkeypatch.setattr(run_publish, "_publish_plan", spied_plan)
    monkeypatch.setattr(run_publish, "_relock", book_before_the_locks)
    await _publish(gql, run_id)
    session = await booking
    assert await Session.filter(id=session.id, mentorship_id=current.id).exists()
    assert await Mentorship.filter(run_id=run_id).count() == 40
    # Read and checked once without the people's locks; under them, only their versions and what bumps
    # no version are read again (nothing changed: the first pass's checks stand).
    assert calls == [False]


async def _publish_changed_between_the_passes(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, change: Any
) -> dict[str, Any]:
    """Publish a run of 40 pairs, ``change()`` done after the first pass, before the locks."""
    relock = run_publish._relock

    async def changed_first(*args: Any, **kwargs: Any) -> Any:
        await change()  # in the publish's transaction: what a commit just before the locks would show
        return await relock(*args, **kwargs)

    monkeypatch.setattr(run_publish, "_relock", changed_first)
    answer: dict[str, Any] = (await gql(PUBLISH, {"input": {"runId": await _succeeded(gql, pairs=40)}}))[
        "publishRun"
    ]
    return answer


async def test_a_mentor_changed_between_the_check_and_the_locks_makes_the_run_stale(
    db: Backend, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    mentor_ids, _ = await _programme(mentors=6, students=40)

    async def bump() -> None:
        await Mentor.filter(id__in=mentor_ids).update(version=F("version") + 1)

    answer = await _publish_changed_between_the_passes(gql, monkeypatch, bump)
    assert (answer["__typename"], answer["code"]) == ("ConflictError", "RUN_STALE"), answer
    assert "changed since the run's snapshot: mentor " in answer["message"]
    assert await Mentorship.all().count() == 0


async def test_a_student_paired_between_the_check_and_the_locks_makes_the_run_stale(
    db: Backend, gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A pair made by hand bumps its mentor's version only: the students' current pairs are read again.
    _, student_ids = await _programme(mentors=6, students=40)

    async def pair_by_hand() -> None:
        paired = await StudentRow.get(id=student_ids[3])
        outsider = await mentor([await paired.current_project], n=99)  # not a mentor of the run
        await pair(paired, outsider)

    answer = await _publish_changed_between_the_passes(gql, monkeypatch, pair_by_hand)
    assert (answer["__typename"], answer["code"]) == ("ConflictError", "RUN_STALE"), answer
    assert f"student {student_ids[3]} was paired since" in answer["message"]
    assert await Mentorship.filter(run_id__isnull=False).count() == 0
