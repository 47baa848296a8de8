"""Matching runs: start (the job is enqueued after the commit), cancel, publish (all or part)."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from uuid import UUID

import strawberry

from domain.services import pairing, run_publish, run_requests
from schema.context import Info
from schema.errors import (
    CONFLICT,
    INVALID,
    NOT_FOUND,
    REFUSALS,
    ConflictError,
    NotFoundError,
    Refusals,
    UserError,
    ValidationError,
    on,
)
from schema.run_types import MatchingRun
from schema.types import Mentorship


@strawberry.type(description="A run of the same scope is queued or running; nothing was stored.")
class AlreadyRunningError(UserError):
    run_id: UUID | None = strawberry.field(description="The active run of that scope.")

    @classmethod
    def of_run(cls, error: run_requests.AlreadyRunning) -> AlreadyRunningError:
        return cls(code=error.code, message=error.message, field=error.field, run_id=error.run_id)


@strawberry.input(description="All waiting students (nothing given), those of a path, or a list of students.")
class RunScopeInput:
    path_id: int | None = None
    student_ids: list[int] | None = None


@strawberry.input(description="Objective weights; omitted ones keep the solver's defaults.")
class WeightsInput:
    placed: int | None = None
    kept: int | None = None
    fill: int | None = None
    language: int | None = None
    region: int | None = None
    level_cost: int | None = None


@strawberry.input
class StartRunInput:
    scope: RunScopeInput | None = None
    time_limit_s: float = 30.0
    week: date | None = strawberry.field(
        default=None, description="Monday of the Paris week to plan slots on; default next week."
    )
    seed: int = 0
    weights: WeightsInput | None = None


@strawberry.input(description="Publish all pairs, only acceptStudentIds, or all but rejectStudentIds.")
class PublishRunInput:
    run_id: UUID
    accept_student_ids: list[int] | None = None
    reject_student_ids: list[int] | None = None


@strawberry.type
class RunPayload:
    run: MatchingRun


@strawberry.type
class PublishPayload:
    run: MatchingRun
    created: list[Mentorship]
    ended: list[Mentorship]
    moved: list[Mentorship] = strawberry.field(
        description="Current pairs kept with their mentor at another weekly slot; their sessions moved."
    )


StartRunErrors = ValidationError | NotFoundError | AlreadyRunningError
StartRunResult = Annotated[RunPayload | StartRunErrors, strawberry.union("StartRunResult")]
START_RUN = Refusals[StartRunErrors](
    on(run_requests.AlreadyRunning, AlreadyRunningError.of_run), NOT_FOUND, INVALID
)

CancelRunErrors = NotFoundError | ConflictError
CancelRunResult = Annotated[RunPayload | CancelRunErrors, strawberry.union("CancelRunResult")]
CANCEL_RUN = Refusals[CancelRunErrors](NOT_FOUND, CONFLICT)

PublishRunResult = Annotated[
    PublishPayload | ValidationError | NotFoundError | ConflictError, strawberry.union("PublishRunResult")
]


@strawberry.type
class RunMutations:
    @strawberry.mutation(description="Start a matching run; its job is enqueued once the run is stored.")
    async def start_run(self, info: Info, input: StartRunInput) -> StartRunResult:
        scope = input.scope or RunScopeInput()
        weights = {k: v for k, v in vars(input.weights).items() if v is not None} if input.weights else {}

        async def run() -> RunPayload:
            started = await run_requests.start_run(
                run_requests.RunScope(path_id=scope.path_id, student_ids=scope.student_ids),
                run_requests.RunOptions(
                    time_limit_s=input.time_limit_s, week=input.week, seed=input.seed, weights=weights
                ),
            )
            return RunPayload(run=MatchingRun.of(started))

        return await START_RUN.attempt(run)

    @strawberry.mutation(description="Cancel a run: a queued one at once, a running one within seconds.")
    async def cancel_run(self, info: Info, id: UUID) -> CancelRunResult:
        async def run() -> RunPayload:
            return RunPayload(run=MatchingRun.of(await run_requests.cancel_run(id)))

        return await CANCEL_RUN.attempt(run)

    @strawberry.mutation(
        description="Publish a succeeded run's pairs as mentorships, all or nothing, once: a run already "
        "published (by a concurrent call or in part) gets ALREADY_PUBLISHED; acceptStudentIds and "
        "rejectStudentIds together get VALIDATION. Refused when a mentor or student of an accepted pair "
        "changed since the solve. A publish of many pairs (the server's MENTORMATCH_PUBLISH_JOB_MIN_PAIRS) "
        "runs as a job: the answer comes at once with the run PUBLISHING and no pairs yet; its progress "
        "(pairsDone of pairsTotal) comes on matchingRunProgress until PUBLISHED, or SUCCEEDED again with "
        "the cause as its error when it failed (nothing published). A publishRun meanwhile gets "
        "PUBLISH_IN_PROGRESS."
    )
    async def publish_run(self, info: Info, input: PublishRunInput) -> PublishRunResult:
        async def run() -> PublishPayload:
            outcome = await run_publish.publish_run(
                input.run_id,
                accept=input.accept_student_ids,
                reject=input.reject_student_ids or (),
                actor=pairing.actor_of(await info.context.current_viewer()),
                job_min_pairs=info.context.settings.publish_job_min_pairs,
            )
            return PublishPayload(
                run=MatchingRun.of(outcome.run),
                created=[Mentorship.of(m) for m in outcome.created],
                ended=[Mentorship.of(m) for m in outcome.ended],
                moved=[Mentorship.of(m) for m in outcome.moved],
            )

        return await REFUSALS.attempt(run)
