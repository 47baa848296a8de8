"""R6: a mentor's notice (give, withdraw). Giving notice queues the re-matching run of the mentor's
students; its job is enqueued once the notice is stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import strawberry

from domain.services import departures, pairing
from schema.context import Info
from schema.errors import REFUSALS, ConflictError, NotFoundError, ValidationError
from schema.run_types import MatchingRun
from schema.types import Mentor


@strawberry.input
class GiveNoticeInput:
    mentor_id: int
    last_day: date = strawberry.field(
        description="The mentor's last day (Paris date), 14 days ahead at least."
    )


@strawberry.type
class NoticePayload:
    mentor: Mentor
    rematch_run: MatchingRun | None = strawberry.field(
        description="The run re-matching the mentor's current students, for staff to review and publish "
        "(shown to staff only; null when the mentor has no current student)."
    )


NoticeResult = Annotated[
    NoticePayload | ValidationError | NotFoundError | ConflictError, strawberry.union("NoticeResult")
]


@strawberry.type
class DepartureMutations:
    @strawberry.mutation(
        description="A mentor gives notice (R6): their last day, 14 days ahead at least. Their students "
        "are re-matched by a run staff publish; nothing is assigned to the mentor any more."
    )
    async def give_notice(self, info: Info, input: GiveNoticeInput) -> NoticeResult:
        viewer = await info.context.current_viewer()

        async def run() -> NoticePayload:
            notice = await departures.give_notice(
                input.mentor_id, input.last_day, actor=pairing.actor_of(viewer)
            )
            mentor, rematch = notice.mentor, notice.run
            return NoticePayload(mentor=Mentor.of(mentor), rematch_run=MatchingRun.shown_to(rematch, viewer))

        return await REFUSALS.attempt(run)

    @strawberry.mutation(description="Take a notice back, up to the last day (R6).")
    async def withdraw_notice(self, info: Info, mentor_id: int) -> NoticeResult:
        viewer = await info.context.current_viewer()

        async def run() -> NoticePayload:
            mentor = await departures.withdraw_notice(mentor_id, actor=pairing.actor_of(viewer))
            return NoticePayload(mentor=Mentor.of(mentor), rematch_run=None)

        return await REFUSALS.attempt(run)
