"""Asking for runs: staff start and cancel them; absences, notices and change requests start one for their
students, or join the one already queued (:func:`start_or_join_run`). A run's job is enqueued after the
outermost commit (``domain.outbox``); the worker's side is ``run_worker``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from uuid import UUID

from tortoise.exceptions import IntegrityError

from domain import outbox, payloads
from domain.bulk import in_chunks
from domain.enums import RunStatus
from domain.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from domain.models import MatchingRun, Path, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, week_monday
from domain.services import events
from domain.services.runs import ACTIVE, get_run, lock, set_status, status_payload

MAX_TIME_LIMIT_S = 600.0
WEIGHT_NAMES = ("placed", "kept", "fill", "language", "region", "level_cost")


class AlreadyRunning(Conflict):
    """Another run of the same scope is queued or running."""

    code = ErrorCode.ALREADY_RUNNING

    def __init__(self, run_id: UUID | None, scope_key: str) -> None:
        super().__init__(f"a run of scope {scope_key} is already queued or running", field="scope")
        self.run_id = run_id


@dataclass(frozen=True, slots=True)
class RunScope:
    """All waiting students, the waiting students of one path, or a list of students (any, paired or not)."""

    path_id: int | None = None
    student_ids: Sequence[int] | None = None

    @property
    def key(self) -> str:
        if self.student_ids is not None:
            ids = ",".join(str(i) for i in sorted(set(self.student_ids)))
            return "students:" + hashlib.sha1(ids.encode()).hexdigest()[:16]
        if self.path_id is not None:
            return f"path:{self.path_id}"
        return "all"

    def as_json(self) -> payloads.RunScope:
        if self.student_ids is not None:
            return {"kind": "students", "studentIds": sorted(set(self.student_ids))}
        if self.path_id is not None:
            return {"kind": "path", "pathId": self.path_id}
        return {"kind": "all"}


@dataclass(frozen=True, slots=True)
class RunOptions:
    time_limit_s: float = 30.0
    week: date | None = None  # the Paris week the slots are planned for; default: next week
    seed: int = 0
    weights: dict[str, int] = field(default_factory=dict)


def _next_monday(today: date) -> date:
    return week_monday(today) + timedelta(days=7)


async def _check_scope(scope: RunScope) -> None:
    if scope.path_id is not None and scope.student_ids is not None:
        raise ValidationFailed("give a path or a list of students, not both", field="scope")
    if scope.path_id is not None and not await Path.exists(id=scope.path_id):
        raise NotFound("Path", scope.path_id, field="scope.pathId")
    if scope.student_ids is not None:
        wanted = list(dict.fromkeys(scope.student_ids))
        if not wanted:
            raise ValidationFailed("the list of students is empty", field="scope.studentIds")
        found = {
            int(row[0])
            for row in await in_chunks(wanted, lambda ids: Student.filter(id__in=ids).values_list("id"))
        }
        for i, sid in enumerate(wanted):
            if sid not in found:
                raise NotFound("Student", sid, field=f"scope.studentIds.{i}")


def _check_options(options: RunOptions) -> payloads.RunOptions:
    if not 1.0 <= options.time_limit_s <= MAX_TIME_LIMIT_S:
        raise ValidationFailed(f"must be between 1 and {MAX_TIME_LIMIT_S:.0f} seconds", field="timeLimitS")
    for name, value in options.weights.items():
        if name not in WEIGHT_NAMES:
            raise ValidationFailed(f"unknown weight {name!r}", field=f"weights.{name}")
        if not 0 <= value <= 10_000_000:
            raise ValidationFailed("must be between 0 and 10000000", field=f"weights.{name}")
    today = datetime.now(PARIS).date()
    week = options.week or _next_monday(today)
    if week.weekday() != 0:
        raise ValidationFailed("the week is given by its Monday", field="week")
    if abs((week - today).days) > 2 * 366:
        raise ValidationFailed("the week must be within two years of today", field="week")
    return {
        "timeLimitS": options.time_limit_s,
        "week": week.isoformat(),
        "seed": options.seed,
        "weights": dict(options.weights),
    }


async def _active_run_id(scope_key: str) -> UUID | None:
    row = await MatchingRun.filter(scope_key=scope_key, status__in=ACTIVE).first()
    return row.id if row else None


async def start_run(scope: RunScope, options: RunOptions, *, requested_by: str = "") -> MatchingRun:
    """Store a queued run; its job is enqueued after the outermost commit (``domain.outbox``).

    One active run per scope: a second start gets ``AlreadyRunning``; the partial unique index
    ``matching_run_one_active_per_scope`` makes concurrent starts lose in the database too.
    """
    await _check_scope(scope)
    stored_options = _check_options(options)
    key = scope.key
    existing = await _active_run_id(key)
    if existing is not None:
        raise AlreadyRunning(existing, key)
    try:
        async with in_transaction():
            run = await MatchingRun.create(
                scope_key=key, scope=scope.as_json(), options=stored_options, requested_by=requested_by
            )
            await events.record(events.run_topic(run.id), "status", status_payload(run))
            await outbox.after_commit(outbox.EnqueueRun(run.id))
    except IntegrityError as exc:
        raise AlreadyRunning(await _active_run_id(key), key) from exc
    return run


async def start_or_join_run(
    student_ids: Sequence[int], week: date, *, time_limit_s: float, requested_by: str
) -> MatchingRun:
    """Queue a run restricted to ``student_ids`` for the Paris week of ``week`` (inside the caller's
    transaction, as a savepoint). When a run of exactly that scope is already queued or running, that one
    is returned: it covers the same students and staff review it the same way (absences, notices and
    change requests start runs this way)."""
    try:
        async with in_transaction():
            return await start_run(
                RunScope(student_ids=student_ids),
                RunOptions(time_limit_s=time_limit_s, week=week),
                requested_by=requested_by,
            )
    except AlreadyRunning as exc:
        if exc.run_id is None:
            raise
        joined = await get_run(exc.run_id)
        await outbox.after_commit(outbox.EnqueueRun(joined.id))  # its job, if lost, is enqueued again
        return joined


async def cancel_run(run_id: UUID) -> MatchingRun:
    """A queued run is cancelled at once; a running one is flagged and its worker stops the solver."""
    async with in_transaction():
        run = await lock(run_id, field="id")
        if run.status is RunStatus.QUEUED:
            run.cancel_requested = True
            await set_status(run, RunStatus.CANCELLED, error="cancelled before it started")
        elif run.status is RunStatus.RUNNING:
            if not run.cancel_requested:
                run.cancel_requested = True
                await run.save(update_fields=["cancel_requested", "updated_at"])
                await events.record(
                    events.run_topic(run.id), "status", status_payload(run, cancelRequested=True)
                )
        elif run.status is not RunStatus.CANCELLED:
            raise Conflict(f"the run has ended ({run.status.value}); nothing to cancel", field="id")
        return run
