"""Publishing a succeeded run: its accepted pairs become mentorships, all or nothing, once.

Staff call it after review (``domain.services.run_review``); it re-checks each accepted pair against the
run's snapshot and the pairing rules, then starts, ends, moves or hands over pairs
(``domain.services.pairing``, ``domain.services.handovers``).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import cast
from uuid import UUID

from domain import gc_pause, outbox, payloads
from domain.bulk import bump_versions, lock_versions, models_in, select_in
from domain.enums import MentorshipEndReason, MentorStatus, PairingCause, RunStatus
from domain.errors import Conflict, DomainError, ErrorCode, ValidationFailed
from domain.models import Handover, MatchingRun, Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.paris_time import paris_today
from domain.services import eligibility, events, handovers, pairing
from domain.services.runs import lock, status_payload


class RunStale(Conflict):
    code = ErrorCode.RUN_STALE


class AlreadyPublished(Conflict):
    """The run was published already (by a concurrent call, or in part earlier): nothing more is created;
    the students left out wait for a new run."""

    code = ErrorCode.ALREADY_PUBLISHED


class PublishInProgress(Conflict):
    """A publish of the run is under way as a job: its progress is on the run's topic."""

    code = ErrorCode.PUBLISH_IN_PROGRESS


# A publish's progress, for the job: (phase, pairs done, pairs in all).
Progress = Callable[[str, int, int], Awaitable[None]]
# Pairs checked between two progress reports of a publish job; the job also yields to the
# event loop there (an in-process job shares it with the API).
PROGRESS_STEP = 2_000


@dataclass(frozen=True, slots=True)
class PublishOutcome:
    run: MatchingRun
    created: list[Mentorship]
    ended: list[Mentorship]
    moved: list[Mentorship] = field(default_factory=list)  # kept pairs given another weekly slot


def _selected(
    pairs: list[payloads.ProposedPair], accept: Sequence[int] | None, reject: Sequence[int]
) -> list[payloads.ProposedPair]:
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
    today: date | None = None,
    job_min_pairs: int | None = None,
) -> PublishOutcome:
    """Turn the accepted pairs of a succeeded run into mentorships, all or nothing, once. Refused (nothing
    stored): both ``accept`` and ``reject`` given (``VALIDATION``); a run already published, by a
    concurrent call or in part earlier (``ALREADY_PUBLISHED``: start a new run for the students left
    out); a publish of the run under way (``PUBLISH_IN_PROGRESS``); a mentor or student of an accepted
    pair changed since the snapshot (``RUN_STALE``).

    ``job_min_pairs``: a publish of at least that many pairs is not done here: the run becomes
    ``publishing`` with the request stored on it, and after the commit a job does the publish
    (:func:`publish_queued`), reporting its progress on the run's topic; the outcome then holds the
    publishing run and no pairs yet.

    R5: a student of a mentor's long absence gets their substitute planned (``handovers.plan``); when the
    absence has started already by ``today`` (a Paris date, default today), they go to the substitute at
    once (``handovers.switch``), as the daily step would."""
    today = today or paris_today()
    if accept is not None and reject:
        raise ValidationFailed(
            "give acceptStudentIds or rejectStudentIds, not both", field="rejectStudentIds"
        )
    with gc_pause.paused():
        return await _publish_now(run_id, accept, reject, actor, today, job_min_pairs)


async def _publish_now(
    run_id: UUID,
    accept: Sequence[int] | None,
    reject: Sequence[int],
    actor: str,
    today: date,
    job_min_pairs: int | None,
) -> PublishOutcome:
    async with in_transaction():
        run = await lock(run_id)
        result = _publishable(run)
        chosen = _selected(result["pairs"], accept, reject)
        if job_min_pairs is not None and len(chosen) >= job_min_pairs:
            await _queue(run, result, chosen, actor)
            return PublishOutcome(run, [], [], [])
        # Everything is read and checked before the people's rows are locked; the locks are then taken
        # (one statement per kind), the reads done again under them (nothing changed, or the run is
        # stale), and the writes follow, set-based: a booking waits at most for the writes, not for the
        # whole publish. The new pairs' introductions follow the commit (``introductions``).
        plan = await _check(run, chosen, today=today)
        return await _write(run, chosen, plan, actor=actor, today=today)


def _publishable(run: MatchingRun) -> payloads.RunResult:
    """The run's result, when it may be published now; else the refusal."""
    if run.status is RunStatus.PUBLISHED:
        published = run.result.get("published") if run.result else None
        pairs_created = len(published["mentorshipIds"]) if published else 0
        raise AlreadyPublished(
            f"the run was published at {run.published_at.isoformat() if run.published_at else '?'} "
            f"({pairs_created} pairs created); a run is published once: "
            "start a new run for the students it left out",
            field="runId",
        )
    if run.status is RunStatus.PUBLISHING:
        total = run.progress.get("pairsTotal", 0) if run.progress else 0
        raise PublishInProgress(
            f"a publish of this run ({total} pairs) is under way; follow it on matchingRunProgress",
            field="runId",
        )
    if run.status is not RunStatus.SUCCEEDED or run.result is None:
        raise Conflict(f"only a succeeded run can be published; this one is {run.status.value}")
    return run.result


async def _queue(
    run: MatchingRun, result: payloads.RunResult, chosen: list[payloads.ProposedPair], actor: str
) -> None:
    """The run becomes ``publishing``, the request stored on it; its job is enqueued after the commit."""
    run.status = RunStatus.PUBLISHING
    run.error = ""
    run.heartbeat_at = datetime.now(UTC)
    run.result = {**result, "publishing": {"studentIds": [p["studentId"] for p in chosen], "actor": actor}}
    run.progress = _progress(run, "checking", 0, len(chosen))
    # Only what changed: the run's snapshot (every person's version) is not written again.
    await run.save(update_fields=["status", "error", "heartbeat_at", "result", "progress", "updated_at"])
    await events.record(events.run_topic(run.id), "status", status_payload(run))
    await outbox.after_commit(outbox.EnqueuePublish(run.id))


def _progress(run: MatchingRun, phase: str, done: int, total: int) -> payloads.RunProgress:
    """The solve's figures kept, the publish's phase and pairs."""
    base = run.progress or payloads.progress(elapsed_s=0.0, placed=0, upper_bound=0, phase=phase)
    return {**base, "phase": phase, "pairsDone": done, "pairsTotal": total}


async def publish_queued(run_id: UUID, *, today: date | None = None) -> PublishOutcome | None:
    """The job's side of a publish queued by :func:`publish_run`: the same reads, checks and writes,
    all or nothing. Reads and checks first, outside any transaction, reporting the pairs done on the
    run's topic (phases ``checking``, then ``writing``); then one transaction
    locks the run and the people, checks again and writes; the run becomes ``published``.

    None when there is nothing to do (the run is not publishing: published by an earlier attempt of the
    job, or its publish failed). A refusal (``RUN_STALE``, ...) ends the publish (:func:`publish_failed`:
    the run is succeeded again, with the cause as its error, nothing written) and is raised."""
    today = today or paris_today()
    run = await MatchingRun.get_or_none(id=run_id)
    if run is None or run.status is not RunStatus.PUBLISHING or not run.result:
        return None
    request = run.result.get("publishing")
    if request is None:
        return None
    wanted = set(request["studentIds"])
    chosen = [p for p in run.result["pairs"] if p["studentId"] in wanted]
    progress = _Reporter(run)
    try:
        with gc_pause.paused():
            plan = await _check(run, chosen, progress=progress, today=today)
            await progress("writing", 0, len(chosen), force=True)
            async with in_transaction():
                locked = await lock(run_id)
                if locked.status is not RunStatus.PUBLISHING:
                    return None
                return await _write(locked, chosen, plan, actor=request["actor"], today=today)
    except DomainError as error:
        await publish_failed(run_id, f"{error.code.value}: {error.message}")
        raise


async def publish_failed(run_id: UUID, cause: str) -> bool:
    """A publish job that cannot finish: the run is succeeded again (nothing of the publish was stored:
    it writes in one transaction), with ``cause`` as its error and in its status event. False when the
    run is not publishing (nothing to do)."""
    async with in_transaction():
        run = await MatchingRun.select_for_update().get_or_none(id=run_id)
        if run is None or run.status is not RunStatus.PUBLISHING:
            return False
        run.status = RunStatus.SUCCEEDED
        run.error = f"publish failed, nothing was published: {cause}"[:2000]
        if run.result is not None:
            run.result.pop("publishing", None)
        if run.progress is not None:  # the solve's figures, as before the publish
            solved = dict(run.progress)
            solved.pop("pairsDone", None)
            solved.pop("pairsTotal", None)
            run.progress = cast(payloads.RunProgress, {**solved, "phase": "done"})
        await run.save()
        await events.record(events.run_topic(run.id), "status", status_payload(run, error=run.error))
        return True


class _Reporter:
    """Progress of a publish job: the run's progress and heartbeat, a ``progress`` event, each committed
    at once (the job reads and checks outside any transaction); at most one every ``EVERY_S``."""

    EVERY_S = 0.5

    def __init__(self, run: MatchingRun) -> None:
        self.run = run
        self.last = 0.0

    async def __call__(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        await asyncio.sleep(0)  # an in-process job shares the event loop with the API
        now = time.monotonic()
        if not force and now - self.last < self.EVERY_S:
            return
        self.last = now
        run = self.run
        run.progress = _progress(run, phase, done, total)
        async with in_transaction():
            updated = await MatchingRun.filter(id=run.id, status=RunStatus.PUBLISHING).update(
                progress=run.progress, heartbeat_at=datetime.now(UTC)
            )
            if updated:
                await events.record(events.run_topic(run.id), "progress", status_payload(run))


async def _check(
    run: MatchingRun, chosen: list[payloads.ProposedPair], progress: Progress | None = None, *, today: date
) -> _Plan:
    """The first, unlocked pass: read and check every pair."""
    mentor_ids = sorted({p["mentorId"] for p in chosen})
    student_ids = sorted({p["studentId"] for p in chosen})
    monday = date.fromisoformat(run.options["week"])
    return await _publish_plan(
        run, chosen, mentor_ids, student_ids, monday, lock=False, progress=progress, today=today
    )


async def _write(
    run: MatchingRun,
    chosen: list[payloads.ProposedPair],
    first: _Plan,
    *,
    actor: str,
    today: date,
) -> PublishOutcome:
    """Under the run's lock: lock the people and check again (:func:`_relock`), write; the run is marked
    as owing its new pairs' introductions (``introduced_at`` left null) and the senders, who write them
    (``introductions.write_due``), are woken after the commit."""
    assert run.result is not None
    mentor_ids = sorted({p["mentorId"] for p in chosen})
    student_ids = sorted({p["studentId"] for p in chosen})
    monday = date.fromisoformat(run.options["week"])
    change = pairing.Change(PairingCause.RUN, actor=actor, cause_ref=str(run.id))
    plan = await _relock(run, chosen, first, mentor_ids, student_ids, monday, today=today)
    mentors, students = plan.mentors, plan.students
    ended: list[Mentorship] = []
    moved: list[Mentorship] = []
    planned: list[Handover] = []
    for p in chosen:
        old = plan.current.get(p["studentId"])
        kind = plan.kinds[p["studentId"]]
        if kind == "keep":
            continue
        started_on = pair_start_day(monday, p["weekday"], today)
        if kind == "plan":
            # R5: the substitute is planned; the student stays with their mentor until the absence
            # starts (the daily step switches them, ``handovers.switch``), the seat counts from now.
            handover = plan.handing_over[p["studentId"]]
            first_day = handovers.substitute_start(handover.absence.starts_on, monday, p["weekday"])
            planned.append(
                await handovers.plan(
                    handover,
                    mentor_id=p["mentorId"],
                    weekday=p["weekday"],
                    start_minute=p["startMinute"],
                    minutes=p["minutes"],
                    starts_on=first_day,
                    run_id=run.id,
                    actor=actor,
                )
            )
            continue
        if kind == "move":
            # R8: the same mentor at another slot keeps the pair and moves its series.
            assert old is not None
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
        if old is not None:
            reason = (
                MentorshipEndReason.MENTOR_LEFT
                if old.mentor_id in plan.leaving
                else MentorshipEndReason.REMATCHED
            )
            ended.append(await pairing.end_pair(old, ended_on=started_on, reason=reason, change=change))
    new_pairs = pairing.prepare_pairs(plan.fresh)
    started = {m.student_id: m for m in await pairing.write_pairs(new_pairs, change=change, run_id=run.id)}
    created = [started[p["studentId"]] for p in chosen if plan.kinds[p["studentId"]] == "new"]
    for handover in planned:
        if handover.absence.starts_on <= today:  # under way already: no need to wait for the step
            substitute = await handovers.switch(handover)
            if substitute is not None:
                created.append(substitute)
                ended.append(await Mentorship.get(id=handover.original_id))
    loads = await eligibility.current_loads(mentors)
    for mid, mentor in mentors.items():
        if mentor.status is not MentorStatus.ACTIVE:
            raise RunStale(f"mentor {mid} is {mentor.status.value}", field="runId")
        if not eligibility.has_room(loads[mid], mentor.capacity, adding=0):
            raise RunStale(f"mentor {mid} would exceed their capacity ({mentor.capacity}, R2)", field="runId")
    now = datetime.now(UTC)
    await bump_versions("mentor", mentors, now)
    await bump_versions("student", students, now)
    run.published_at = now
    if run.progress is not None and "pairsTotal" in run.progress:  # a job: its last progress
        run.progress = _progress(run, "published", len(chosen), len(chosen))
    run.result.pop("publishing", None)
    run.result = {
        **run.result,
        "published": {
            "studentIds": [p["studentId"] for p in chosen],
            "mentorshipIds": [m.id for m in created],
            "movedMentorshipIds": [m.id for m in moved],
            "plannedHandoverIds": [h.id for h in planned],
        },
    }
    run.status = RunStatus.PUBLISHED
    run.introduced_at = None  # owed: ``introductions.write_due``, woken after the commit
    await run.save(
        update_fields=["status", "published_at", "introduced_at", "progress", "result", "updated_at"]
    )
    await events.record(events.run_topic(run.id), "status", status_payload(run))
    await outbox.after_commit(outbox.SendMessages())
    return PublishOutcome(run, created, ended, moved)


async def _relock(
    run: MatchingRun,
    chosen: list[payloads.ProposedPair],
    first: _Plan,
    mentor_ids: list[int],
    student_ids: list[int],
    monday: date,
    *,
    today: date,
) -> _Plan:
    """The second pass, under the locks: ``first`` itself when nothing it checked changed since, else
    the plan read and checked again (``RUN_STALE`` on the first problem).

    The people's rows are locked (mentors, then students, by id, as manual pairing does) reading only
    their versions: every change that matters to matching bumps the person's version (``Mentor.version``,
    ``Student.version``), and ``first`` found them equal to the snapshot's, so a version that moved since
    is a stale run. What bumps no version of these people is read again: the students' current pairs
    (a pair made by hand bumps its mentor only, who may not be in the run), their hand-overs (R5: an
    absence recorded bumps the absent mentor) and their presentations (R20 assessors, R9 a path
    completed). Those unchanged, ``first``'s people, facts and checks stand,
    and nothing is read into objects or checked a second time."""
    mentor_versions = await lock_versions("mentor", mentor_ids)
    student_versions = await lock_versions("student", student_ids)
    changed = [
        f"mentor {mid}" for mid in mentor_ids if mentor_versions.get(mid) != first.mentors[mid].version
    ] + [f"student {sid}" for sid in student_ids if student_versions.get(sid) != first.students[sid].version]
    if changed:
        raise _stale(changed)
    current = {
        int(row["student_id"]): int(row["id"])
        for row in await select_in(
            'SELECT "student_id", "id" FROM "mentorship" WHERE "student_id" {ids} AND "ended_on" IS NULL',
            student_ids,
        )
    }
    waiting = await handovers.waiting(student_ids, monday)
    same = (
        current == {sid: m.id for sid, m in first.current.items()}
        and {sid: h.id for sid, h in waiting.items()} == {sid: h.id for sid, h in first.handing_over.items()}
        and await eligibility.scheduled_assessors(student_ids) == first.facts.assessors
        and await eligibility.path_completed({s.id: s.current_project_id for s in first.students.values()})
        == first.facts.completed
    )
    if same:
        return first
    return await _publish_plan(run, chosen, mentor_ids, student_ids, monday, lock=True, today=today)


def _stale(changed: list[str]) -> RunStale:
    shown = ", ".join(changed[:20]) + (f" and {len(changed) - 20} more" if len(changed) > 20 else "")
    return RunStale(f"changed since the run's snapshot: {shown}; start a new run", field="runId")


@dataclass(slots=True)
class _Plan:
    mentors: dict[int, Mentor]
    students: dict[int, Student]
    current: dict[int, Mentorship]  # student -> current pair
    leaving: set[int]  # mentors of current pairs who gave notice
    handing_over: dict[int, Handover]
    kinds: dict[int, str]  # student -> keep, move, plan (R5 substitute), new
    fresh: list[pairing.NewPair]  # the new pairs, in the run's order
    facts: eligibility.Facts  # what the checks read


def pair_start_day(monday: date, weekday: int, today: date) -> date:
    """The day a published pair starts: its slot's day in the run's week, or, once that has passed (a run
    published after its week began), the slot's next day from ``today`` on. A publication never starts a
    pair, nor ends the one it replaces, in the past: sessions held meanwhile stay inside their pair."""
    day = monday + timedelta(days=weekday)
    if day >= today:
        return day
    return today + timedelta(days=(weekday - today.weekday()) % 7)


async def _publish_plan(
    run: MatchingRun,
    chosen: list[payloads.ProposedPair],
    mentor_ids: list[int],
    student_ids: list[int],
    monday: date,
    *,
    lock: bool,
    progress: Progress | None = None,
    today: date,
) -> _Plan:
    """Read what publishing ``chosen`` needs and check it (``RUN_STALE`` on the first problem): the
    people unchanged since the snapshot, no pair made since, every pair allowed (``eligibility``, seats
    counted after the writes). ``lock``: take the people's row locks first (mentors, then students, by
    id, as manual pairing does), one statement per kind per chunk of ids. ``progress``: told the pairs
    checked, every ``PROGRESS_STEP``."""
    snapshot = run.snapshot or payloads.empty_snapshot()

    mentors = {
        m.id: m for m in await models_in(Mentor, '"id" {ids}', mentor_ids, order_by='"id"', for_update=lock)
    }
    students = {
        s.id: s for s in await models_in(Student, '"id" {ids}', student_ids, order_by='"id"', for_update=lock)
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
        raise _stale(changed)
    current = {
        m.student_id: m
        for m in await models_in(Mentorship, '"student_id" {ids} AND "ended_on" IS NULL', student_ids)
    }
    snapshot_pairs = set(snapshot.get("mentorships", []))
    for sid, pair in sorted(current.items()):
        if pair.id not in snapshot_pairs:
            raise RunStale(f"student {sid} was paired since the run's snapshot", field="runId")
    leaving = {
        int(row["id"])
        for row in await select_in(
            'SELECT "id" FROM "mentor" WHERE "id" {ids} AND "last_day" IS NOT NULL',
            {p.mentor_id for p in current.values()},
        )
    }
    handing_over = await handovers.waiting(student_ids, monday)  # R5: students of an absent mentor
    facts = await eligibility.load_facts(mentors.values(), students.values())
    kinds: dict[int, str] = {}
    fresh: list[pairing.NewPair] = []
    for i, p in enumerate(chosen):
        if progress is not None and i % PROGRESS_STEP == 0:
            await progress("checking", i, len(chosen))
        old = current.get(p["studentId"])
        handover = handing_over.get(p["studentId"])
        if handover is not None and old is not None:
            # R5: a substitute for the absence, planned (the seat counts from now, the switch comes at
            # the start): allowed for the whole absence.
            absence = handover.absence
            problem = eligibility.refusal(
                facts,
                p["mentorId"],
                p["studentId"],
                starts_on=handovers.substitute_start(absence.starts_on, monday, p["weekday"]),
                until=absence.ends_on,
                weekday=p["weekday"],
                seat=False,
            )
            if problem is not None:
                raise RunStale(
                    f"student {p['studentId']} with substitute {p['mentorId']}: {problem.message}",
                    field="runId",
                )
            kinds[p["studentId"]] = "plan"
            continue
        if old is not None and (old.mentor_id, old.slot_weekday, old.slot_start_minute) == (
            p["mentorId"],
            p["weekday"],
            p["startMinute"],
        ):
            kinds[p["studentId"]] = "keep"
            continue
        started_on = pair_start_day(monday, p["weekday"], today)
        # Who may be paired with whom: the same rules as manual pairing (seats counted after the writes).
        problem = eligibility.refusal(
            facts,
            p["mentorId"],
            p["studentId"],
            starts_on=started_on,
            weekday=p["weekday"],
            seat=False,
            returning=old is not None and old.mentor_id == p["mentorId"],
        )
        if problem is not None:
            raise RunStale(
                f"student {p['studentId']} with mentor {p['mentorId']}: {problem.message}", field="runId"
            )
        if old is not None and old.mentor_id == p["mentorId"]:
            kinds[p["studentId"]] = "move"
            continue
        kinds[p["studentId"]] = "new"
        fresh.append(
            pairing.NewPair(
                student_id=p["studentId"],
                mentor_id=p["mentorId"],
                weekday=p["weekday"],
                start_minute=p["startMinute"],
                minutes=p["minutes"],
                started_on=started_on,
            )
        )
    return _Plan(mentors, students, current, leaving, handing_over, kinds, fresh, facts)
