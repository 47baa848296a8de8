"""The worker's side of a run (``jobs.tasks``, ``jobs.reconciler``): claim it for an attempt, record
liveness and progress, the snapshot, the proposal (or the changes that made it stale), and its end.

Each write carries the attempt number it was given by :func:`claim` (a fencing token): a worker that lost
its claim (it was presumed dead and another took over) can no longer write.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import cast
from uuid import UUID

from domain import payloads
from domain.bulk import in_chunks
from domain.enums import RunStatus
from domain.models import MatchingRun, Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.services import events, run_review
from domain.services.runs import ACTIVE, set_status, status_payload

log = logging.getLogger(__name__)

# A run whose worker died this many times is failed rather than handed to yet another worker.
MAX_ATTEMPTS = 3


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
            await set_status(run, RunStatus.CANCELLED, error="cancelled")
            return None
        if run.attempts >= MAX_ATTEMPTS:
            # The last attempt's transient error (``note_retry``) is the cause staff need to see.
            cause = f": {run.error}" if run.error else ""
            await set_status(run, RunStatus.FAILED, error=f"gave up after {run.attempts} attempts{cause}")
            return None
        run.attempts += 1
        now = datetime.now(UTC)
        run.started_at = run.started_at or now
        run.heartbeat_at = now
        run.progress = payloads.progress(elapsed_s=0.0, placed=0, upper_bound=0, phase="loading")
        await set_status(run, RunStatus.RUNNING, attempt=run.attempts)
        return Claim(run, run.attempts)


async def note_retry(run_id: UUID, reason: str) -> None:
    """An attempt ended on a transient error and will be retried: keep its cause on the run, so that a run
    that gives up says why."""
    await MatchingRun.filter(id=run_id, status__in=ACTIVE).update(error=reason[:2000])


# What a heartbeat reads of its run: not the snapshot's versions (megabytes of JSON at 100,000 students,
# read and parsed every second by the worker's event loop while its solver thread wants the GIL).
_BEAT_COLUMNS = ("id", "status", "attempts", "cancel_requested", "progress", "heartbeat_at", "updated_at")


async def _owned(run_id: UUID, attempt: int, *, columns: tuple[str, ...] = ()) -> MatchingRun | None:
    """The run, locked, if this attempt still owns it (running, same attempt number); only ``columns``
    when given (a partial row, saved with ``update_fields`` among them)."""
    query = MatchingRun.select_for_update().filter(id=run_id)
    run = await (query.only(*columns) if columns else query).first()
    if run is None or run.status is not RunStatus.RUNNING or run.attempts != attempt:
        return None
    return run


async def heartbeat(run_id: UUID, attempt: int, progress: payloads.RunProgress | None) -> bool | None:
    """Record liveness (and progress, with its event, when given). Returns whether a cancel was
    requested, or None when this attempt no longer owns the run."""
    async with in_transaction():
        run = await _owned(run_id, attempt, columns=_BEAT_COLUMNS)
        if run is None:
            return None
        run.heartbeat_at = datetime.now(UTC)
        if progress is not None:
            run.progress = progress
            await events.record(events.run_topic(run.id), "progress", status_payload(run))
        await run.save(update_fields=["heartbeat_at", "progress", "updated_at"])
        return run.cancel_requested


async def record_snapshot(run_id: UUID, attempt: int, snapshot: payloads.SnapshotVersions) -> bool:
    async with in_transaction():
        run = await _owned(run_id, attempt)
        if run is None:
            return False
        if run.cancel_requested:
            # Cancelled while the snapshot was loading: the cancel wins, nothing is solved.
            await set_status(run, RunStatus.CANCELLED, error="cancelled while loading")
            return False
        run.snapshot = snapshot
        await run.save(update_fields=["snapshot", "updated_at"])
        return True


async def snapshot_changes(snapshot: payloads.SnapshotVersions | None) -> payloads.StaleChanges:
    """What changed since ``snapshot`` (versions of mentors and students, current pairs of its mentors
    and students); an empty dict when nothing did."""
    mentor_versions: dict[str, int] = snapshot.get("mentors", {}) if snapshot else {}
    student_versions: dict[str, int] = snapshot.get("students", {}) if snapshot else {}
    changes: payloads.StaleChanges = {}
    m_ids = [int(i) for i in mentor_versions]
    s_ids = [int(i) for i in student_versions]
    now_m = dict(await in_chunks(m_ids, lambda ids: Mentor.filter(id__in=ids).values_list("id", "version")))
    changed_m: list[payloads.VersionChange] = [
        {"id": int(i), "snapshotVersion": v, "currentVersion": now_m.get(int(i))}
        for i, v in mentor_versions.items()
        if now_m.get(int(i)) != v
    ]
    now_s = dict(await in_chunks(s_ids, lambda ids: Student.filter(id__in=ids).values_list("id", "version")))
    changed_s: list[payloads.VersionChange] = [
        {"id": int(i), "snapshotVersion": v, "currentVersion": now_s.get(int(i))}
        for i, v in student_versions.items()
        if now_s.get(int(i)) != v
    ]
    pairs_then = set(snapshot.get("mentorships", []) if snapshot else [])
    # values_list(flat=True) reads plain ids (Tortoise's stubs say tuples).
    pairs_now: set[int] = cast(
        set[int],
        set(
            await in_chunks(
                m_ids,
                lambda ids: Mentorship.filter(ended_on__isnull=True, mentor_id__in=ids).values_list(
                    "id", flat=True
                ),
            )
        )
        | set(
            await in_chunks(
                s_ids,
                lambda ids: Mentorship.filter(ended_on__isnull=True, student_id__in=ids).values_list(
                    "id", flat=True
                ),
            )
        ),
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


async def store_proposal(run_id: UUID, attempt: int, proposal: payloads.Proposal) -> RunStatus | None:
    """In one transaction: check the snapshot is still current, then store the proposal (succeeded) or
    the list of changes (stale), with its review as rows (``run_review.store``: what the review pages read).
    None when this attempt no longer owns the run (nothing written)."""
    async with in_transaction():
        run = await _owned(run_id, attempt)
        if run is None:
            return None
        if run.cancel_requested:
            # An acknowledged cancel wins over a proposal that finished before the worker saw it.
            await set_status(run, RunStatus.CANCELLED, error="cancelled")
            return run.status
        changes = await snapshot_changes(run.snapshot)
        previous = float(run.progress.get("elapsedS", 0.0)) if run.progress else 0.0
        # A solve faster than the first progress tick left the claim's 0.0: the last event says the truth.
        elapsed = (datetime.now(UTC) - run.started_at).total_seconds() if run.started_at else 0.0
        parts_total = run.progress.get("partsTotal") if run.progress else None
        run.progress = payloads.progress(
            elapsed_s=round(max(elapsed, previous), 3),
            placed=proposal["placed"],
            upper_bound=proposal["upperBound"],
            phase="done",
        )
        if parts_total is not None:  # a split run: every part is solved by now (jobs.parts)
            run.progress["partsDone"] = run.progress["partsTotal"] = parts_total
        run.result = payloads.result(proposal, stale_changes=changes)
        started = time.perf_counter()
        await run_review.store(run)
        log.info(
            "run %s: review of %d pairs and %d unplaced stored in %.3f s",
            run.id,
            len(proposal["pairs"]),
            len(proposal["unplaced"]),
            time.perf_counter() - started,
        )
        if changes:
            await set_status(run, RunStatus.STALE, error=_describe(changes), changes=changes)
        else:
            await set_status(run, RunStatus.SUCCEEDED)
    # After the commit: the review's rows marked visible to index-only scans (its counts and figures).
    started = time.perf_counter()
    await run_review.settle()
    log.info("run %s: review settled in %.3f s", run.id, time.perf_counter() - started)
    return run.status


def _describe(changes: payloads.StaleChanges) -> str:
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
        await set_status(run, status, error=error[:2000])
        return True
