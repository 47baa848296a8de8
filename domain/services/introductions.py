"""The introductions a published run owes: two messages per new pair (``PAIR_STARTED``, one to each side),
written after the publish, not in its transaction.

A publish of thousands of pairs spent about a third of its time rendering and writing these messages and
their feed events while it held the people's row locks. Now the publish commits its pairs with the run
marked as owing them (``MatchingRun.introduced_at`` is null while the run is ``published``: the mark is in
the publish's own transaction, so it cannot be lost) and wakes the senders; the sending pass
(``jobs.mail.send_now``: after the commit, and every 30 s) calls :func:`write_due` before it sends.

Each batch of pairs is one short transaction; the messages' idempotency keys (``notifications.message_key``,
the same as ``on_pairing``'s) make a batch written twice, by a pass that died after it or by two passes
at once, write nothing the second time, and its feed events go with the rows actually inserted. The run is
marked introduced once every batch is in.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from uuid import UUID

from domain.bulk import models_in
from domain.enums import RunStatus
from domain.models import MatchingRun, Mentor, Mentorship, Student
from domain.outbox import in_transaction
from domain.services import events, notifications

BATCH = 1_000  # pairs per transaction (2,000 messages and their 2,000 feed events)


async def write_due(*, batch: int = BATCH) -> int:
    """Write the introductions of every published run that still owes them, oldest publish first.
    Returns how many messages were inserted (0 when another pass had written them)."""
    due = (
        await MatchingRun.filter(status=RunStatus.PUBLISHED, introduced_at__isnull=True)
        .order_by("published_at")
        .values_list("id", flat=True)
    )
    written = 0
    for run_id in due:
        written += await introduce(UUID(str(run_id)), batch=batch)
    return written


async def introduce(run_id: UUID, *, batch: int = BATCH) -> int:
    """The introductions of one published run's new pairs, ``batch`` pairs per transaction; then the run
    is marked introduced. Pairs started later under the run's id (a planned substitute switched in by
    the daily step) wrote theirs when they started: their keys are taken, nothing is written again."""
    written = 0
    last_id = 0
    while True:
        pairs = await Mentorship.filter(run_id=run_id, id__gt=last_id).order_by("id").limit(batch)
        if not pairs:
            break
        last_id = pairs[-1].id
        mentors = {m.id: m for m in await models_in(Mentor, '"id" {ids}', {p.mentor_id for p in pairs})}
        students = {s.id: s for s in await models_in(Student, '"id" {ids}', {p.student_id for p in pairs})}
        drafts = notifications.draft_many_pairing_messages(
            [(p, mentors[p.mentor_id], students[p.student_id]) for p in pairs], "mentorship_started"
        )
        async with in_transaction():
            feed = await notifications.write_drafts(
                [(f"m{p.id}", d) for p, ds in zip(pairs, drafts, strict=True) for d in ds]
            )
            await events.record_many(feed)
        written += len(feed)
        await asyncio.sleep(0)  # an embedded pass shares the event loop with the API
    await MatchingRun.filter(id=run_id, introduced_at__isnull=True).update(introduced_at=datetime.now(UTC))
    return written
