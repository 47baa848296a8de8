"""Subscriptions over graphql-transport-ws: a run's progress (staff), a mentor's and a student's new or
ended mentorships. Each takes ``afterEventId``: the id of the last event the client saw; it then gets
every later event, in order, without duplicates (``jobs.events``).

Who may follow which topic is decided in one place, :func:`audience`; the subscriber identity is an
argument for now (``mentorId``, ``studentId``) until the token binds it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry
from graphql import GraphQLError

from domain import payloads
from domain.enums import RunStatus as RunStatusEnum
from domain.models import MatchingRun
from domain.services import events
from jobs.events import hub_for
from schema.context import Info
from schema.guard import refused
from schema.policies import policy_for
from schema.run_types import AssignmentChange, AssignmentEvent, RunProgressEvent

# The topics also carry other news (assessments, R20): these streams yield only what AssignmentEvent shows.
ASSIGNMENT_KINDS = frozenset(change.value for change in AssignmentChange)
# A run's progress stream ends with the first of these statuses.
_FINAL = {
    s.value
    for s in RunStatusEnum
    if s not in (RunStatusEnum.QUEUED, RunStatusEnum.RUNNING, RunStatusEnum.PUBLISHING)
}


async def audience(
    info: Info, *, run_id: UUID | None = None, mentor_id: int | None = None, student_id: int | None = None
) -> str:
    """The one topic this subscriber may follow. The only filter between topics: a subscriber reads
    events of this topic and of no other, so a mentor never receives another mentor's events.

    The viewer must be allowed to follow it (schema.policies): graphql-core opens a subscription's event
    stream without the resolver middleware that guards every other field, so the check lives here. A
    refused topic looks like a missing one.
    """
    viewer = await info.context.current_viewer()
    field = (
        "matchingRunProgress"
        if run_id is not None
        else ("mentorAssignments" if mentor_id is not None else "studentAssignments")
    )
    args = {"runId": run_id, "mentorId": mentor_id, "studentId": student_id}
    if not await policy_for("Subscription", field)(viewer, args):
        raise refused(viewer)
    if run_id is not None:
        return events.run_topic(run_id)
    if mentor_id is not None:
        return events.mentor_topic(mentor_id)
    assert student_id is not None
    return events.student_topic(student_id)


@strawberry.type
class Subscription:
    @strawberry.subscription(
        description="A run's status and progress (elapsed, placed, bound) until it ends; a run being "
        "published as a job (PUBLISHING), until its publish ends. Without afterEventId the run's whole "
        "history comes first."
    )
    async def matching_run_progress(
        self, info: Info, run_id: UUID, after_event_id: int | None = None
    ) -> AsyncGenerator[RunProgressEvent, None]:
        topic = await audience(info, run_id=run_id)
        if not await MatchingRun.exists(id=run_id):
            raise GraphQLError(
                f"MatchingRun {run_id} does not exist", extensions={"code": "NOT_FOUND", "field": "runId"}
            )
        hub = hub_for(info.context.settings.redis_url)
        async for event in hub.stream([topic], after_event_id or 0):
            yield RunProgressEvent.of(event)
            final = event.kind == "status" and payloads.run_status_of(event).get("status") in _FINAL
            # A run being published (a job) goes on past its SUCCEEDED: to PUBLISHED, or back to
            # SUCCEEDED with the publish's error.
            if final and not await MatchingRun.exists(id=run_id, status=RunStatusEnum.PUBLISHING):
                return

    @strawberry.subscription(
        description="The mentor's mentorships that start or end. Without afterEventId: from now on."
    )
    async def mentor_assignments(
        self, info: Info, mentor_id: int, after_event_id: int | None = None
    ) -> AsyncGenerator[AssignmentEvent, None]:
        topic = await audience(info, mentor_id=mentor_id)
        hub = hub_for(info.context.settings.redis_url)
        async for event in hub.stream([topic], after_event_id):
            if event.kind in ASSIGNMENT_KINDS:
                yield AssignmentEvent.of(event)

    @strawberry.subscription(
        description="The student's mentorships that start or end. Without afterEventId: from now on."
    )
    async def student_assignments(
        self, info: Info, student_id: int, after_event_id: int | None = None
    ) -> AsyncGenerator[AssignmentEvent, None]:
        topic = await audience(info, student_id=student_id)
        hub = hub_for(info.context.settings.redis_url)
        async for event in hub.stream([topic], after_event_id):
            if event.kind in ASSIGNMENT_KINDS:
                yield AssignmentEvent.of(event)
