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

from typing import Any

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient

from domain import outbox
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


async def record(topic: str, kind: str, payload: dict[str, Any]) -> Event:
    """Insert one event; call inside the transaction that makes the change (``in_transaction``)."""
    return (await record_many([(topic, kind, payload)]))[0]


async def record_many(items: list[tuple[str, str, dict[str, Any]]]) -> list[Event]:
    """Insert events in the given order, inside the caller's transaction."""
    conn = Tortoise.get_connection("default")  # the caller's transaction, when it holds one
    await _order_writers(conn)
    events = []
    for topic, kind, payload in items:
        events.append(await Event.create(topic=topic, kind=kind, payload=payload, using_db=conn))
    await outbox.after_commit(outbox.WakeSubscribers())
    return events


async def after(topics: list[str], after_id: int, *, limit: int = 500) -> list[Event]:
    """Committed events on ``topics`` with an id above ``after_id``, oldest first."""
    return await Event.filter(topic__in=topics, id__gt=after_id).order_by("id").limit(limit)


async def all_after(after_id: int, *, limit: int = 1000) -> list[Event]:
    """Committed events on any topic with an id above ``after_id``, oldest first (the fan-out's feed)."""
    return await Event.filter(id__gt=after_id).order_by("id").limit(limit)


async def last_id() -> int:
    row = await Event.all().order_by("-id").first()
    return row.id if row else 0
