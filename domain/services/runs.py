"""Matching runs: start, cancel, the worker's state transitions, review and publish.

Every transition is one transaction that also writes the event announcing it (``domain.services.events``).
The worker's writes carry the attempt number it was given by :func:`claim` (a fencing token): a worker
that lost its claim (it was presumed dead and another took over) can no longer write.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

from tortoise.exceptions import IntegrityError

from domain import outbox
from domain.bulk import in_chunks
from domain.enums import MentorshipEndReason, MentorStatus, PairingCause, RunStatus
from domain.errors import Conflict, ErrorCode, NotFound, ValidationFailed
from domain.models import MatchingRun, Mentor, Mentorship, Path, Student
from domain.outbox import in_transaction
from domain.paris_time import PARIS, week_monday
from domain.services import eligibility, events, handovers, pairing

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
TERMINAL = (
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.STALE,
    RunStatus.PUBLISHED,
)
# A run whose worker died this many times is failed rather than handed to yet another worker.
MAX_ATTEMPTS = 3
MAX_TIME_LIMIT_S = 600.0
WEIGHT_NAMES = ("placed", "kept", "fill", "language", "region", "level_cost")


class AlreadyRunning(Conflict):
    """Another run of the same scope is queued or running."""

    code = ErrorCode.ALREADY_RUNNING

    def __init__(self, run_id: UUID | None, scope_key: str) -> None:
        super().__init__(f"a run of scope {scope_key} is already queued or running", field="scope")
        self.run_id = run_id


class RunStale(Conflict):
    code = ErrorCode.RUN_STALE


class AlreadyPublished(Conflict):
    """The run was published already (by a concurrent call, or in part earlier): nothing more is created;
    the students left out wait for a new run."""

    code = ErrorCode.ALREADY_PUBLISHED


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

    def as_json(self) -> dict[str, Any]:
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


def _check_options(options: RunOptions) -> dict[str, Any]:
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


def _status_payload(run: MatchingRun, **extra: Any) -> dict[str, Any]:
    return {"runId": str(run.id), "status": run.status.value, **(run.progress or {}), **extra}


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
            await events.record(events.run_topic(run.id), "status", _status_payload(run))
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


async def get_run(run_id: UUID, *, field: str = "runId") -> MatchingRun:
    run = await MatchingRun.get_or_none(id=run_id)
    if run is None:
        raise NotFound("MatchingRun", run_id, field=field)
    return run


async def _lock(run_id: UUID, *, field: str = "runId") -> MatchingRun:
    run = await MatchingRun.select_for_update().get_or_none(id=run_id)
    if run is None:
        raise NotFound("MatchingRun", run_id, field=field)
    return run


async def _set_status(run: MatchingRun, status: RunStatus, *, error: str = "", **extra: Any) -> None:
    now = datetime.now(UTC)
    run.status = status
    run.error = error
    if status in TERMINAL and status is not RunStatus.PUBLISHED:
        run.finished_at = now
    await run.save()
    await events.record(events.run_topic(run.id), "status", _status_payload(run, error=error, **extra))


async def cancel_run(run_id: UUID) -> MatchingRun:
    """A queued run is cancelled at once; a running one is flagged and its worker stops the solver."""
    async with in_transaction():
        run = await _lock(run_id, field="id")
        if run.status is RunStatus.QUEUED:
            run.cancel_requested = True
            await _set_status(run, RunStatus.CANCELLED, error="cancelled before it started")
        elif run.status is RunStatus.RUNNING:
            if not run.cancel_requested:
                run.cancel_requested = True
                await run.save(update_fields=["cancel_requested", "updated_at"])
                await events.record(
                    events.run_topic(run.id), "status", _status_payload(run, cancelRequested=True)
                )
        elif run.status is not RunStatus.CANCELLED:
            raise Conflict(f"the run has ended ({run.status.value}); nothing to cancel", field="id")
        return run


# --- The worker's transitions -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Claim:
    run: MatchingRun
    attempt: int


async def claim(run_id: UUID) -> Claim | None:
    """Mark the run running for a new attempt, or None when there is nothing to do (it ended already:
    a retry after the proposal was committed, or a cancel). A run whose workers died ``MAX_ATTEMPTS``
    times is failed here."""
    async with in_transaction():
        run = await MatchingRun.select_for_update().get_or_none(id=run_id)
        if run is None or run.status not in ACTIVE:
            return None
        if run.cancel_requested:
            await _set_status(run, RunStatus.CANCELLED, error="cancelled")
            return None
        if run.attempts >= MAX_ATTEMPTS:
            # The last attempt's transient error (``note_retry``) is the cause staff need to see.
            cause = f": {run.error}" if run.error else ""
            await _set_status(run, RunStatus.FAILED, error=f"gave up after {run.attempts} attempts{cause}")
            return None
        run.attempts += 1
        now = datetime.now(UTC)
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.progress = {"elapsedS": 0.0, "placed": 0, "upperBound": 0, "phase": "loading"}
        await _set_status(run, RunStatus.RUNNING, attempt=run.attempts)
        return Claim(run, run.attempts)


async def note_retry(run_id: UUID, reason: str) -> None:
    """An attempt ended on a transient error and will be retried: keep its cause on the run, so that a run
    that gives up says why."""
    await MatchingRun.filter(id=run_id, status__in=ACTIVE).update(error=reason[:2000])


async def _owned(run_id: UUID, attempt: int) -> MatchingRun | None:
    """The run, locked, if this attempt still owns it (running, same attempt number)."""
    run = await MatchingRun.select_for_update().get_or_none(id=run_id)
    if run is None or run.status is not RunStatus.RUNNING or run.attempts != attempt:
        return None
    return run


async def heartbeat(run_id: UUID, attempt: int, progress: dict[str, Any] | None) -> bool | None:
    """Record liveness (and progress, with its event, when given). Returns whether a cancel was
    requested, or None when this attempt no longer owns the run."""
    async with in_transaction():
        run = await _owned(run_id, attempt)
        if run is None:
            return None
        run.heartbeat_at = datetime.now(UTC)
        if progress is not None:
            run.progress = progress
            await events.record(events.run_topic(run.id), "progress", _status_payload(run))
        await run.save(update_fields=["heartbeat_at", "progress", "updated_at"])
        return run.cancel_requested


async def record_snapshot(run_id: UUID, attempt: int, snapshot: dict[str, Any]) -> bool:
    async with in_transaction():
        run = await _owned(run_id, attempt)
        if run is None:
            return False
        if run.cancel_requested:
            # Cancelled while the snapshot was loading: the cancel wins, nothing is solved.
            await _set_status(run, RunStatus.CANCELLED, error="cancelled while loading")
            return False
        run.snapshot = snapshot
        await run.save(update_fields=["snapshot", "updated_at"])
        return True


async def snapshot_changes(snapshot: dict[str, Any]) -> dict[str, Any]:
    """What changed since ``snapshot`` (versions of mentors and students, current pairs of its mentors
    and students); an empty dict when nothing did."""
    mentor_versions: dict[str, int] = snapshot.get("mentors", {})
    student_versions: dict[str, int] = snapshot.get("students", {})
    changes: dict[str, Any] = {}
    m_ids = [int(i) for i in mentor_versions]
    s_ids = [int(i) for i in student_versions]
    now_m = dict(await in_chunks(m_ids, lambda ids: Mentor.filter(id__in=ids).values_list("id", "version")))
    changed_m = [
        {"id": int(i), "snapshotVersion": v, "currentVersion": now_m.get(int(i))}
        for i, v in mentor_versions.items()
        if now_m.get(int(i)) != v
    ]
    now_s = dict(await in_chunks(s_ids, lambda ids: Student.filter(id__in=ids).values_list("id", "version")))
    changed_s = [
        {"id": int(i), "snapshotVersion": v, "currentVersion": now_s.get(int(i))}
        for i, v in student_versions.items()
        if now_s.get(int(i)) != v
    ]
    pairs_then = set(snapshot.get("mentorships", []))
    pairs_now = set(
        await in_chunks(
            m_ids,
            lambda ids: Mentorship.filter(ended_on__isnull=True, mentor_id__in=ids).values_list(
                "id", flat=True
            ),
        )
    ) | set(
        await in_chunks(
            s_ids,
            lambda ids: Mentorship.filter(ended_on__isnull=True, student_id__in=ids).values_list(
                "id", flat=True
            ),
        )
    )
    if changed_m:
        changes["mentors"] = changed_m
    if changed_s:
        changes["students"] = changed_s
    if pairs_now != pairs_then:
        changes["mentorships"] = {
            "started": sorted(pairs_now - pairs_then),
            "ended": sorted(pairs_then - pairs_now),
        }
    return changes


async def store_proposal(run_id: UUID, attempt: int, proposal: dict[str, Any]) -> RunStatus | None:
    """In one transaction: check the snapshot is still current, then store the proposal (succeeded) or
    the list of changes (stale). None when this attempt no longer owns the run (nothing written)."""
    async with in_transaction():
        run = await _owned(run_id, attempt)
        if run is None:
            return None
        if run.cancel_requested:
            # An acknowledged cancel wins over a proposal that finished before the worker saw it.
            await _set_status(run, RunStatus.CANCELLED, error="cancelled")
            return run.status
        changes = await snapshot_changes(run.snapshot or {})
        summary = {"placed": proposal["placed"], "upperBound": proposal["upperBound"]}
        previous = run.progress or {}
        # A solve faster than the first progress tick left the claim's 0.0: the last event says the truth.
        elapsed = (datetime.now(UTC) - run.started_at).total_seconds() if run.started_at else 0.0
        elapsed_s = round(max(elapsed, float(previous.get("elapsedS", 0.0))), 3)
        run.progress = {**previous, **summary, "elapsedS": elapsed_s, "phase": "done"}
        if changes:
            run.result = {**proposal, "staleChanges": changes}
            await _set_status(run, RunStatus.STALE, error=_describe(changes), changes=changes)
        else:
            run.result = proposal
            await _set_status(run, RunStatus.SUCCEEDED)
        return run.status


def _describe(changes: dict[str, Any]) -> str:
    parts = []
    if "mentors" in changes:
        parts.append("mentors " + ", ".join(str(c["id"]) for c in changes["mentors"]))
    if "students" in changes:
        parts.append("students " + ", ".join(str(c["id"]) for c in changes["students"]))
    if "mentorships" in changes:
        parts.append("current pairs")
    return "the inputs changed during the solve: " + "; ".join(parts)


async def finish(run_id: UUID, attempt: int | None, status: RunStatus, error: str = "") -> bool:
    """End the run as cancelled or failed. ``attempt=None``: whatever attempt holds it (the job's last
    resort and the reconciler)."""
    async with in_transaction():
        if attempt is None:
            run = await MatchingRun.select_for_update().get_or_none(id=run_id)
            if run is None or run.status not in ACTIVE:
                return False
        else:
            owned = await _owned(run_id, attempt)
            if owned is None:
                return False
            run = owned
        await _set_status(run, status, error=error[:2000])
        return True


# --- Review and publish -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    run: MatchingRun
    created: list[Mentorship]
    ended: list[Mentorship]
    moved: list[Mentorship] = field(default_factory=list)  # kept pairs given another weekly slot


def _selected(
    pairs: list[dict[str, Any]], accept: Sequence[int] | None, reject: Sequence[int]
) -> list[dict[str, Any]]:
    proposed = {p["studentId"] for p in pairs}
    for name, ids in (("acceptStudentIds", accept or ()), ("rejectStudentIds", reject)):
        for i, sid in enumerate(ids):
            if sid not in proposed:
                raise ValidationFailed(f"student {sid} has no pair in this proposal", field=f"{name}.{i}")
    chosen = set(accept) if accept is not None else proposed
    chosen -= set(reject)
    return [p for p in pairs if p["studentId"] in chosen]


async def publish_run(
    run_id: UUID,
    *,
    accept: Sequence[int] | None = None,
    reject: Sequence[int] = (),
    actor: str = pairing.SYSTEM,
) -> PublishOutcome:
    """Turn the accepted pairs of a succeeded run into mentorships, all or nothing, once. Refused (nothing
    stored): both ``accept`` and ``reject`` given (``VALIDATION``); a run already published, by a
    concurrent call or in part earlier (``ALREADY_PUBLISHED``: start a new run for the students left
    out); a mentor or student of an accepted pair changed since the snapshot (``RUN_STALE``)."""
    if accept is not None and reject:
        raise ValidationFailed(
            "give acceptStudentIds or rejectStudentIds, not both", field="rejectStudentIds"
        )
    async with in_transaction():
        run = await _lock(run_id)
        if run.status is RunStatus.PUBLISHED:
            published = (run.result or {}).get("published", {})
            raise AlreadyPublished(
                f"the run was published at {run.published_at.isoformat() if run.published_at else '?'} "
                f"({len(published.get('mentorshipIds', []))} pairs created); a run is published once: "
                "start a new run for the students it left out",
                field="runId",
            )
        if run.status is not RunStatus.SUCCEEDED or run.result is None:
            raise Conflict(f"only a succeeded run can be published; this one is {run.status.value}")
        chosen = _selected(run.result["pairs"], accept, reject)
        snapshot = run.snapshot or {}
        mentor_ids = sorted({p["mentorId"] for p in chosen})
        student_ids = sorted({p["studentId"] for p in chosen})
        # Lock in a fixed order (mentors, then students) as create_mentorship does.
        mentors = {m.id: m for m in await Mentor.select_for_update().filter(id__in=mentor_ids).order_by("id")}
        students = {
            s.id: s for s in await Student.select_for_update().filter(id__in=student_ids).order_by("id")
        }
        changed = [
            f"mentor {mid}"
            for mid in mentor_ids
            if mid not in mentors or mentors[mid].version != snapshot.get("mentors", {}).get(str(mid))
        ] + [
            f"student {sid}"
            for sid in student_ids
            if sid not in students or students[sid].version != snapshot.get("students", {}).get(str(sid))
        ]
        if changed:
            raise RunStale(
                f"changed since the run's snapshot: {', '.join(changed)}; start a new run", field="runId"
            )
        current = {
            m.student_id: m
            for m in await Mentorship.filter(student_id__in=student_ids, ended_on__isnull=True)
        }
        snapshot_pairs = set(snapshot.get("mentorships", []))
        for sid, pair in current.items():
            if pair.id not in snapshot_pairs:
                raise RunStale(f"student {sid} was paired since the run's snapshot", field="runId")
        created: list[Mentorship] = []
        ended: list[Mentorship] = []
        moved: list[Mentorship] = []
        change = pairing.Change(PairingCause.RUN, actor=actor, cause_ref=str(run.id))
        leaving = {
            m.id
            for m in await Mentor.filter(
                id__in=[p.mentor_id for p in current.values()], last_day__isnull=False
            ).only("id")
        }
        monday = date.fromisoformat(run.options["week"])
        handing_over = await handovers.waiting(student_ids, monday)  # R5: students of an absent mentor
        facts = await eligibility.load_facts(mentors.values(), students.values())
        for p in chosen:
            old = current.get(p["studentId"])
            if old is not None and (old.mentor_id, old.slot_weekday, old.slot_start_minute) == (
                p["mentorId"],
                p["weekday"],
                p["startMinute"],
            ):
                continue  # kept as it is
            started_on = monday + timedelta(days=p["weekday"])
            handover = handing_over.get(p["studentId"])
            # Who may be paired with whom: the same rules as manual pairing (seats counted below).
            problem = eligibility.refusal(
                facts,
                p["mentorId"],
                p["studentId"],
                starts_on=started_on,
                until=handover.absence.ends_on if handover is not None else None,
                weekday=p["weekday"],
                seat=False,
                returning=old is not None and old.mentor_id == p["mentorId"],
            )
            if problem is not None:
                raise RunStale(
                    f"student {p['studentId']} with mentor {p['mentorId']}: {problem.message}", field="runId"
                )
            if old is not None and old.mentor_id == p["mentorId"]:
                # R8: the same mentor at another slot keeps the pair and moves its series.
                await pairing.move_pair(
                    old,
                    weekday=p["weekday"],
                    start_minute=p["startMinute"],
                    minutes=p["minutes"],
                    from_day=started_on,
                    change=change,
                )
                moved.append(old)
                continue
            if (
                old is not None
                and handover is not None
                and handover.original_id == old.id
                and p["mentorId"] != old.mentor_id
            ):
                pair_ended, pair_started = await handovers.substitute(
                    handover,
                    old,
                    mentor_id=p["mentorId"],
                    weekday=p["weekday"],
                    start_minute=p["startMinute"],
                    minutes=p["minutes"],
                    monday=monday,
                    run_id=run.id,
                    actor=actor,
                )
                ended.append(pair_ended)
                created.append(pair_started)
                continue
            if old is not None:
                reason = (
                    MentorshipEndReason.MENTOR_LEFT
                    if old.mentor_id in leaving
                    else MentorshipEndReason.REMATCHED
                )
                ended.append(await pairing.end_pair(old, ended_on=started_on, reason=reason, change=change))
            created.append(
                await pairing.start_pair(
                    student_id=p["studentId"],
                    mentor_id=p["mentorId"],
                    weekday=p["weekday"],
                    start_minute=p["startMinute"],
                    minutes=p["minutes"],
                    started_on=started_on,
                    change=change,
                    run_id=run.id,
                )
            )
        loads = await eligibility.current_loads(mentors)
        for mid, mentor in mentors.items():
            if mentor.status is not MentorStatus.ACTIVE:
                raise RunStale(f"mentor {mid} is {mentor.status.value}", field="runId")
            if not eligibility.has_room(loads[mid], mentor.capacity, adding=0):
                raise RunStale(
                    f"mentor {mid} would exceed their capacity ({mentor.capacity}, R2)", field="runId"
                )
            mentor.version += 1
            await mentor.save(update_fields=["version", "updated_at"])
        for student in students.values():
            student.version += 1
            await student.save(update_fields=["version", "updated_at"])
        run.published_at = datetime.now(UTC)
        run.result = {
            **run.result,
            "published": {
                "studentIds": [p["studentId"] for p in chosen],
                "mentorshipIds": [m.id for m in created],
                "movedMentorshipIds": [m.id for m in moved],
            },
        }
        run.status = RunStatus.PUBLISHED
        await run.save()
        await events.record(events.run_topic(run.id), "status", _status_payload(run))
        return PublishOutcome(run, created, ended, moved)


async def recent_runs(limit: int = 20, status: RunStatus | None = None) -> list[MatchingRun]:
    qs = MatchingRun.all()
    if status is not None:
        qs = qs.filter(status=status)
    return await qs.order_by("-created_at").limit(limit)


async def active_runs() -> list[MatchingRun]:
    return await MatchingRun.filter(status__in=ACTIVE).order_by("created_at")
