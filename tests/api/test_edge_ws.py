"""The websocket and the socket level on a real uvicorn server: closed sockets leave no task behind,
frames that are not JSON objects close 4400, every operation counts for the rate limit, and a connection
that never finishes its request is closed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import connect

from api.app import create_app
from api.transport import server_options
from tests.api.test_websocket_auth import PROTOCOL, closed_with, free_port, init, live_server
from tests.auth_world import build_world
from tests.conftest import Backend, count_queries


def watchers() -> list[asyncio.Task[Any]]:
    return [
        t
        for t in asyncio.all_tasks()
        if not t.done() and "_close_when_token_ends" in getattr(t.get_coro(), "__qualname__", "")
    ]


async def test_closed_sockets_leave_no_token_check_behind(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    assert token is not None
    async with live_server(db, token_check_interval_s=0.05) as url:
        for _ in range(5):
            async with connect(url, subprotocols=[PROTOCOL]) as ws:
                assert (await init(ws, token))["type"] == "connection_ack"
                assert len(watchers()) >= 1
        # The client closed every socket; give the server a few check intervals to notice.
        for _ in range(50):
            if not watchers():
                break
            await asyncio.sleep(0.02)
        remaining = watchers()
        with count_queries() as counter:
            await asyncio.sleep(0.3)  # six check intervals
    assert remaining == []
    assert counter.statements == []


@pytest.mark.parametrize(
    "frame",
    ["[]", "[1, 2]", "42", '"connection_init"', "null", "true", '{"type": 5}', "[" * 5000 + "]" * 5000],
    ids=["empty-array", "array", "number", "string", "null", "true", "type-not-string", "deep"],
)
async def test_a_frame_that_is_not_a_json_object_closes_4400(db: Backend, frame: str) -> None:
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(frame)
        assert await closed_with(ws) == 4400


@pytest.mark.parametrize(
    "message",
    [
        {"id": "1", "type": "subscribe", "payload": []},
        {"id": "1", "type": "subscribe", "payload": {"query": 5}},
        {"id": 1, "type": "subscribe", "payload": {"query": "{ viewer { role } }"}},
        {"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { role } }", "variables": [1]}},
        {"id": "1", "type": "subscribe"},
        {"type": "complete"},
    ],
    ids=["payload-list", "query-number", "id-number", "variables-list", "no-payload", "complete-no-id"],
)
async def test_a_malformed_message_after_init_closes_4400(db: Backend, message: dict[str, Any]) -> None:
    world = await build_world()
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        assert (await init(ws, world.tokens["mentor_a"]))["type"] == "connection_ack"
        await ws.send(json.dumps(message))
        assert await closed_with(ws) == 4400


async def test_every_operation_on_a_socket_counts_for_the_rate_limit(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    async with (
        live_server(db, rate_limit_per_minute=3) as url,
        connect(url, subprotocols=[PROTOCOL]) as ws,
    ):
        assert (await init(ws, token))["type"] == "connection_ack"
        replies = []
        for i in range(5):
            await ws.send(
                json.dumps({"id": str(i), "type": "subscribe", "payload": {"query": "{ viewer { role } }"}})
            )
            reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
            if reply["type"] == "next":
                assert json.loads(await asyncio.wait_for(ws.recv(), 5))["type"] == "complete"
            replies.append(reply)
    assert [r["type"] for r in replies] == ["next", "next", "next", "error", "error"]
    assert replies[3]["payload"][0]["extensions"]["code"] == "RATE_LIMITED"


@asynccontextmanager
async def served(
    db: Backend, head_timeout_s: float, body_timeout_s: float = 10.0, **overrides: Any
) -> AsyncIterator[int]:
    """The app behind uvicorn configured as `mentormatch serve` configures it."""
    settings = replace(db.settings, **overrides)
    app = create_app(settings, manage_database=False, body_timeout_s=body_timeout_s)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(
            app,
            host="127.0.0.1",
            port=port,
            lifespan="off",
            log_level="error",
            **server_options(head_timeout_s=head_timeout_s),
        )
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.02)
    try:
        yield port
    finally:
        server.should_exit = True
        await task
        await app.state.limiter.aclose()


async def _closed_by_server(reader: asyncio.StreamReader, within: float) -> bytes:
    """What the server sent before closing; raises TimeoutError when it keeps the connection open."""
    async with asyncio.timeout(within):
        return await reader.read()


@pytest.mark.parametrize(
    "sent",
    [b"", b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Le"],
    ids=["nothing", "half-a-head"],
)
async def test_a_connection_that_never_finishes_its_request_head_is_closed(db: Backend, sent: bytes) -> None:
    async with served(db, head_timeout_s=0.3) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(sent)
        await writer.drain()
        remains = await _closed_by_server(reader, within=5)
        writer.close()
    assert remains == b""


async def test_a_body_that_never_arrives_is_answered_408(db: Backend) -> None:
    async with served(db, head_timeout_s=0.3, body_timeout_s=0.3) as port:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"
        )
        await writer.drain()
        answer = await _closed_by_server(reader, within=5)
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408")
    assert json.loads(body)["errors"][0]["extensions"]["code"] == "REQUEST_TIMEOUT"
