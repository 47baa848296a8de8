"""Event fan-out: one hub per process reads committed events from the event table and hands each to the
local subscribers of its topic.

Writers record events in their transaction (``domain.services.events.record``); after the commit the
outbox (``domain.outbox``, run by ``jobs.effects``) calls :func:`announce`: a wake-up published on Redis
(``REDIS_URL`` set; every API process listens) or given to this process's hub (embedded setup). The
wake-up carries no data; the hub then reads every event above its cursor, in id order (ids grow in commit
order), so a lost or reordered wake-up only delays delivery: the hub also polls the table every
``poll_interval_s``.

A subscriber registers first, then replays what it missed from the table (``after_id``), then takes live
events from its queue, skipping ids it has already yielded: every event once, in order, no gaps.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from collections.abc import AsyncIterator, Iterable
from dataclasses import dataclass, field

from redis.asyncio import Redis

from domain.models import Event
from domain.services import events as event_store

log = logging.getLogger(__name__)

CHANNEL = "mentormatch:events"
QUEUE_SIZE = 1000


@dataclass(eq=False)
class Subscriber:
    topics: frozenset[str]
    queue: asyncio.Queue[Event] = field(default_factory=lambda: asyncio.Queue(QUEUE_SIZE))
    # Set when the queue overflowed (a slow client): the stream re-reads from the table.
    lagged: bool = False


class EventHub:
    def __init__(self, redis_url: str | None = None, *, poll_interval_s: float = 1.0) -> None:
        self.redis_url = redis_url
        self.poll_interval_s = poll_interval_s
        self.cursor = 0
        self._by_topic: dict[str, set[Subscriber]] = defaultdict(set)
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._started = asyncio.Lock()
        self.delivered = 0

    # --- lifecycle ---

    async def start(self) -> None:
        async with self._started:
            if self._tasks:
                return
            self.cursor = await event_store.last_id()
            self._tasks.append(asyncio.create_task(self._pump(), name="event-hub-pump"))
            if self.redis_url is not None:
                self._tasks.append(asyncio.create_task(self._listen(self.redis_url), name="event-hub-redis"))

    async def close(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        if tasks:
            # Bounded: a hub task that does not end must not hang shutdown (or a test's teardown).
            _done, pending = await asyncio.wait(tasks, timeout=10.0)
            for task in pending:
                log.error("event hub task %s still running 10 s after cancel; leaving it", task.get_name())

    def wake(self) -> None:
        self._wake.set()

    # --- subscribers ---

    def register(self, topics: Iterable[str]) -> Subscriber:
        sub = Subscriber(frozenset(topics))
        for topic in sub.topics:
            self._by_topic[topic].add(sub)
        return sub

    def unregister(self, sub: Subscriber) -> None:
        for topic in sub.topics:
            subs = self._by_topic.get(topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._by_topic[topic]

    async def stream(self, topics: Iterable[str], after_id: int | None) -> AsyncIterator[Event]:
        """Events on ``topics`` with an id above ``after_id`` (None: from now on), in id order, forever."""
        await self.start()
        sub = self.register(topics)
        try:
            last = await event_store.last_id() if after_id is None else after_id
            for event in await self._replay(sub, last):
                last = event.id
                yield event
            while True:
                event = await sub.queue.get()
                if sub.lagged:
                    sub.lagged = False
                    for missed in await self._replay(sub, last):
                        last = missed.id
                        yield missed
                if event.id <= last:
                    continue
                last = event.id
                yield event
        finally:
            self.unregister(sub)

    async def _replay(self, sub: Subscriber, after_id: int) -> list[Event]:
        out: list[Event] = []
        while True:
            page = await event_store.after(sorted(sub.topics), after_id)
            out.extend(page)
            if len(page) < 500:
                return out
            after_id = page[-1].id

    # --- the feed ---

    async def _pump(self) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.poll_interval_s)
            self._wake.clear()
            try:
                await self._drain()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database is away: the next wake-up or poll tries again
                log.warning("event hub cannot read events: %s: %s", type(exc).__name__, exc)

    async def _drain(self) -> None:
        while True:
            batch = await event_store.all_after(self.cursor)
            if not batch:
                if self.cursor and await event_store.last_id() < self.cursor:
                    self.cursor = 0  # the table was emptied (tests, a restored backup): start over
                return
            for event in batch:
                self._dispatch(event)
            self.cursor = batch[-1].id

    def _dispatch(self, event: Event) -> None:
        for sub in self._by_topic.get(event.topic, ()):
            try:
                sub.queue.put_nowait(event)
                self.delivered += 1
            except asyncio.QueueFull:
                sub.lagged = True

    async def _listen(self, url: str) -> None:
        while True:
            client: Redis = Redis.from_url(url)
            try:
                async with client.pubsub() as pubsub:
                    await pubsub.subscribe(CHANNEL)
                    self.wake()  # catch up on whatever committed while we were not listening
                    async for message in pubsub.listen():
                        if message.get("type") == "message":
                            self.wake()
            except asyncio.CancelledError:
                raise
            except Exception as exc:
                log.warning(
                    "event hub lost Redis (%s: %s); polling until it is back", type(exc).__name__, exc
                )
                await asyncio.sleep(1.0)
            finally:
                with contextlib.suppress(Exception):
                    await client.aclose()


_hubs: dict[str | None, EventHub] = {}


def hub_for(redis_url: str | None) -> EventHub:
    """This process's hub for a Redis URL (None: the embedded, in-process setup)."""
    hub = _hubs.get(redis_url)
    if hub is None:
        hub = _hubs[redis_url] = EventHub(redis_url)
    return hub


async def close_hubs() -> None:
    hubs = list(_hubs.values())
    _hubs.clear()
    for hub in hubs:
        await hub.close()


async def announce(redis: Redis | None) -> None:
    """After a commit that recorded events: wake this process's hubs and, with Redis, every process's.
    Never raises: a lost wake-up only delays delivery until the hubs' next poll."""
    for hub in list(_hubs.values()):
        hub.wake()
    if redis is not None:
        try:
            await redis.publish(CHANNEL, b"1")
        except Exception as exc:
            log.warning("cannot announce events on Redis: %s: %s", type(exc).__name__, exc)
