"""The outbox through the API: a mutation whose transaction fails after a service registered its effects
enqueues no job and stores no event; the same mutation that commits enqueues its run's job once."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from domain import outbox
from domain.errors import Conflict
from domain.models import Event, MatchingRun, Mentor, Message
from domain.paris_time import PARIS
from domain.services import departures
from jobs.queue import InProcessQueue, queue_for
from tests.auth_world import build_world
from tests.conftest import Backend, GraphQLClient
from tests.jobs.helpers import fresh_jobs

__all__ = ["fresh_jobs"]

GIVE = """
mutation($input: GiveNoticeInput!) {
  giveNotice(input: $input) {
    __typename
    ... on NoticePayload { rematchRun { id } }
    ... on UserError { code field message }
  }
}"""


def _queue() -> InProcessQueue:
    queue = queue_for(None)
    assert isinstance(queue, InProcessQueue)
    return queue


async def test_a_mutation_that_fails_after_registering_leaves_no_job_and_no_event(
    db: Backend, gql: GraphQLClient, fresh_jobs: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = await build_world()
    events_before = await Event.all().count()  # the world's own pairs
    messages_before = await Message.all().count()
    original = departures.give_notice
    registered: list[list[outbox.Effect]] = []

    async def fails_after_the_notice(mentor_id: int, last_day: date, *, actor: str) -> departures.Notice:
        async with outbox.in_transaction():
            await original(mentor_id, last_day, actor=actor)  # queues the re-match run, records events
            registered.append(outbox.pending())
            raise Conflict("refused after the change", field="mentorId")

    monkeypatch.setattr(departures, "give_notice", fails_after_the_notice)
    last_day = (datetime.now(PARIS).date() + timedelta(days=20)).isoformat()
    answer = (await gql(GIVE, {"input": {"mentorId": world.mentor_a.id, "lastDay": last_day}}))["giveNotice"]
    assert answer["code"] == "CONFLICT"
    # The service did register its effects before the failure...
    kinds = {type(e) for e in registered[0]}
    assert kinds == {outbox.EnqueueRun, outbox.WakeSubscribers, outbox.SendMessages}
    # ... and none of them ran: no run, no event, no message, no job.
    assert await MatchingRun.all().count() == 0
    assert await Event.all().count() == events_before
    assert await Message.all().count() == messages_before  # the students' notice messages went too
    assert _queue().tasks == {}
    assert (await Mentor.get(id=world.mentor_a.id)).last_day is None

    monkeypatch.setattr(departures, "give_notice", original)
    answer = (await gql(GIVE, {"input": {"mentorId": world.mentor_a.id, "lastDay": last_day}}))["giveNotice"]
    run_id = answer["rematchRun"]["id"]
    assert [str(k) for k in _queue().tasks] == [run_id]  # enqueued once, after the commit
    await _queue().wait()
