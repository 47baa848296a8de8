"""The event table: announcements written inside the transaction of the change they announce.

Writers call :func:`record` inside their transaction; it registers a wake-up of the subscribers that runs
after the commit (``domain.outbox``; a wake-up only: subscribers read the events from the table, so a
lost wake-up delays an event, never loses it).

Ids grow in commit order: on PostgreSQL every writer takes one transaction-scoped advisory lock before it
inserts its first event, so a transaction that got id N committed before any transaction got id N+1 (a
sequence alone does not promise that: two transactions may commit in the other order). On SQLite writers
are serialized anyway. Hence "every event with id > N on my topics" never skips one that commits later.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from domain import outbox
from domain.bulk import insert_rows
from domain.models import Event

# Any constant: the key of the advisory lock that orders event writers on PostgreSQL.
EVENT_ORDER_LOCK = 0x6D6D_6576  # "mmev"


def run_topic(run_id: object) -> str:
    return f"run:{run_id}"


def mentor_topic(mentor_id: int) -> str:
    return f"mentor:{mentor_id}"


def student_topic(student_id: int) -> str:
    return f"student:{student_id}"


async def _order_writers(conn: BaseDBAsyncClient) -> None:
    if conn.capabilities.dialect == "postgres":
        await conn.execute_query("SELECT pg_advisory_xact_lock($1)", [EVENT_ORDER_LOCK])


async def record(topic: str, kind: str, payload: Mapping[str, object]) -> Event:
    """Insert one event; call inside the transaction that makes the change (``in_transaction``)."""
    conn = Tortoise.get_connection("default")  # the caller's transaction, when it holds one
    await _order_writers(conn)
    event = await Event.create(topic=topic, kind=kind, payload=payload, using_db=conn)
    await outbox.after_commit(outbox.WakeSubscribers())
    return event


async def record_many(items: Sequence[tuple[str, str, Mapping[str, object]]]) -> list[int]:
    """Insert events inside the caller's transaction, one statement per batch whatever their number
    (``domain.bulk.insert_rows``); returns their ids, which grow in the given order. It takes the writers'
    lock (held until the commit): in a large write (a published run) call it as late as possible."""
    if not items:
        return []
    conn = Tortoise.get_connection("default")  # the caller's transaction, when it holds one
    await _order_writers(conn)
    now = datetime.now(UTC)
    rows = await insert_rows(
        "event",
        ("topic", "kind", "payload", "created_at"),
        [(topic, kind, payload, now) for topic, kind, payload in items],
        returning=("id",),
    )
    await outbox.after_commit(outbox.WakeSubscribers())
    return sorted(int(row[0]) for row in rows)


async def after(topics: list[str], after_id: int, *, limit: int = 500) -> list[Event]:
    """Committed events on ``topics`` with an id above ``after_id``, oldest first."""
    return await Event.filter(topic__in=topics, id__gt=after_id).order_by("id").limit(limit)


async def all_after(after_id: int, *, limit: int = 1000) -> list[Event]:
    """Committed events on any topic with an id above ``after_id``, oldest first (the fan-out's feed)."""
    return await Event.filter(id__gt=after_id).order_by("id").limit(limit)


async def last_id() -> int:
    row = await Event.all().order_by("-id").first()
    return row.id if row else 0
