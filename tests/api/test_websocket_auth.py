"""The websocket endpoint on a real uvicorn server: init timeout, auth in connection_init, origins,
revocation, legacy protocol refused."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

import pytest
import uvicorn
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidStatus

from api.app import create_app
from domain.models import ApiToken
from domain.services.tokens import hash_token, revoke_token
from tests.auth_world import build_world
from tests.conftest import Backend

PROTOCOL = "graphql-transport-ws"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@asynccontextmanager
async def live_server(db: Backend, **overrides: Any) -> AsyncIterator[str]:
    settings = replace(db.settings, **overrides)
    app = create_app(settings, manage_database=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}/graphql"
    finally:
        server.should_exit = True
        await task
        await app.state.limiter.aclose()


async def closed_with(ws: ClientConnection, within: float = 5) -> int | None:
    with pytest.raises(ConnectionClosed) as closed:
        async with asyncio.timeout(within):
            while True:
                await ws.recv()
    return closed.value.rcvd.code if closed.value.rcvd else None


async def init(ws: ClientConnection, token: str | None) -> dict[str, Any]:
    payload = {"authorization": f"Bearer {token}"} if token else {}
    await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
    reply: dict[str, Any] = json.loads(await asyncio.wait_for(ws.recv(), 5))
    return reply


async def test_no_init_within_the_timeout_closes_4408(db: Backend) -> None:
    async with live_server(db, ws_init_timeout_s=0.3) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        assert await closed_with(ws) == 4408


async def test_subscribe_before_init_closes_4401(db: Backend) -> None:
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(
            json.dumps({"id": "1", "type": "subscribe", "payload": {"query": "{ viewer { role } }"}})
        )
        assert await closed_with(ws) == 4401


async def test_init_without_a_token_closes_4403(db: Backend) -> None:
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert await closed_with(ws) == 4403


@pytest.mark.parametrize("header", ["Bearer mm_not-a-token", "Bearer None", "bearer", "Basic eDp5"])
async def test_init_with_a_token_that_does_not_authenticate_closes_4401(db: Backend, header: str) -> None:
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {"authorization": header}}))
        assert await closed_with(ws) == 4401


async def test_a_valid_token_is_acknowledged_and_its_revocation_closes_the_socket(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    assert token is not None
    async with (
        live_server(db, token_check_interval_s=0.1) as url,
        connect(url, subprotocols=[PROTOCOL]) as ws,
    ):
        assert (await init(ws, token))["type"] == "connection_ack"
        await ws.send(
            json.dumps({"id": "q", "type": "subscribe", "payload": {"query": "{ viewer { mentorId } }"}})
        )
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        assert reply["payload"]["data"] == {"viewer": {"mentorId": world.mentor_a.id}}
        row = await ApiToken.get(token_hash=hash_token(token))
        await revoke_token(row.id)
        assert await closed_with(ws) == 4403


@pytest.mark.parametrize(
    ("origin", "allowed"),
    [("https://app.example", True), ("https://evil.example", False), (None, True)],
)
async def test_only_configured_origins_may_connect(db: Backend, origin: str | None, allowed: bool) -> None:
    async with live_server(db, allowed_origins=("https://app.example",)) as url:
        opener: Callable[[], Any] = lambda: connect(url, subprotocols=[PROTOCOL], origin=origin)  # noqa: E731
        if allowed:
            async with opener() as ws:
                assert ws.subprotocol == PROTOCOL
        else:
            with pytest.raises(InvalidStatus) as refused:
                async with opener():
                    pass
            assert refused.value.response.status_code == 403


async def test_legacy_graphql_ws_protocol_is_refused(db: Backend) -> None:
    async with live_server(db) as url:
        try:
            async with connect(url, subprotocols=["graphql-ws"]) as ws:
                code = await closed_with(ws)
                assert code is not None and code >= 4000
        except InvalidStatus as refused:
            assert refused.response.status_code in (400, 403)


async def test_a_mentor_never_receives_another_mentors_events(db: Backend) -> None:
    world = await build_world()
    token = world.tokens["mentor_a"]
    query = "subscription($id: Int!) { mentorAssignments(mentorId: $id, afterEventId: 0) { eventId } }"
    async with live_server(db) as url, connect(url, subprotocols=[PROTOCOL]) as ws:
        assert (await init(ws, token))["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "foreign",
                    "type": "subscribe",
                    "payload": {"query": query, "variables": {"id": world.mentor_b.id}},
                }
            )
        )
        reply = json.loads(await asyncio.wait_for(ws.recv(), 5))
        # Refused like a missing mentor, before any event is read: an error, never a "next".
        assert reply["id"] == "foreign" and reply["type"] in {"error", "next"}
        payload = reply["payload"]
        errors = payload if reply["type"] == "error" else payload.get("errors", [])
        assert errors and errors[0]["extensions"]["code"] == "NOT_FOUND"
        assert reply["type"] == "error" or payload.get("data") is None
