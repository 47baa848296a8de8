"""``/metrics`` (Prometheus) after real requests, ``/`` as the index, and the JSON log lines of production."""

from __future__ import annotations

import asyncio
import json
import logging
import re
import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import httpx
import uvicorn
from redis.asyncio import Redis
from websockets.asyncio.client import connect

from api.app import create_app
from domain.enums import MessageKind, MessageStatus, RunStatus
from domain.models import MatchingRun, Message
from infra.logs import JsonFormatter
from infra.settings import Environment
from jobs.queue import close_queues
from tests.api.test_websocket_auth import free_port
from tests.conftest import REDIS_URL, Backend


def sample(text: str, name: str, **labels: str) -> float | None:
    """The value of one sample in the Prometheus text format (None when absent)."""
    wanted = ",".join(f'{k}="{v}"' for k, v in labels.items())
    pattern = re.escape(name) + (r"\{" + re.escape(wanted) + r"\}" if labels else "") + r" ([0-9.e+-]+)$"
    found = re.search(pattern, text, re.MULTILINE)
    return float(found.group(1)) if found else None


async def test_metrics_after_requests(db: Backend, staff_token: str) -> None:
    started = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    await MatchingRun.create(
        id=uuid.uuid4(),
        status=RunStatus.SUCCEEDED,
        started_at=started,
        finished_at=started + timedelta(seconds=12),
    )
    await MatchingRun.create(id=uuid.uuid4(), status=RunStatus.QUEUED)
    await MatchingRun.create(
        id=uuid.uuid4(),
        status=RunStatus.PUBLISHED,
        started_at=started,
        finished_at=started + timedelta(seconds=40),
    )
    for n, status in enumerate((MessageStatus.PENDING, MessageStatus.PENDING, MessageStatus.FAILED)):
        await Message.create(
            key=f"metrics-test:{n}",
            kind=MessageKind.SESSION_BOOKED,
            recipient_role="student",
            recipient_id=1,
            email="s@example.org",
            language="fr",
            subject="s",
            text="t",
            html="<p>t</p>",
            status=status,
            next_attempt_at=started,
        )
    redis = Redis.from_url(REDIS_URL)
    await redis.zadd("arq:queue", {"metrics-test-job": 1})
    settings = replace(db.settings, redis_url=REDIS_URL)
    app = create_app(settings, manage_database=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, lifespan="off", log_level="error")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn exposes only this flag
        await asyncio.sleep(0.02)
    base = f"http://127.0.0.1:{port}"
    headers = {"authorization": f"Bearer {staff_token}"}
    try:
        async with httpx.AsyncClient(base_url=base, headers=headers) as http:
            assert (await http.get("/health/live")).status_code == 200
            ok = await http.post("/graphql", json={"query": "{ viewer { role } }"})
            assert ok.status_code == 200 and "errors" not in ok.json()
            bad = await http.post("/graphql", json={"query": "{ viewer { noSuchField } }"})
            assert bad.json()["errors"]
            assert (await http.get("/calendar/some-secret-token.ics")).status_code == 404
            async with connect(
                base.replace("http", "ws") + "/graphql", subprotocols=["graphql-transport-ws"]
            ):  # type: ignore[list-item]
                during = (await http.get("/metrics")).text
            after = (await http.get("/metrics")).text
    finally:
        server.should_exit = True
        await task
        await app.state.limiter.aclose()
        await redis.zrem("arq:queue", "metrics-test-job")
        await redis.aclose()
        await close_queues()
    assert sample(during, "mentormatch_websocket_subscribers") == 1.0
    assert sample(after, "mentormatch_websocket_subscribers") == 0.0
    count = 'mentormatch_http_request_duration_seconds_count{method="POST",route="/graphql"}'
    assert re.search(re.escape(count) + " 2.0", after), after
    assert (
        sample(after, "mentormatch_http_responses_total", method="GET", route="/health/live", status="200")
        == 1
    )
    assert (
        sample(
            after,
            "mentormatch_http_responses_total",
            method="GET",
            route="/calendar/{token:str}.ics",
            status="404",
        )
        == 1
    )
    assert "some-secret-token" not in after  # route templates, never raw paths
    error_codes = re.findall(
        r'^mentormatch_graphql_errors_total\{code="([A-Z_]+)"\} 1\.0$', after, re.MULTILINE
    )
    # The unknown field (a GraphQL error) and the unknown feed (a JSON 404 body) are counted by code.
    assert sorted(error_codes) == ["GRAPHQL_VALIDATION_FAILED", "NOT_FOUND"], after
    assert sample(after, "mentormatch_runs", status="succeeded") == 1
    assert sample(after, "mentormatch_runs", status="queued") == 1
    assert sample(after, "mentormatch_runs", status="failed") == 0
    assert sample(after, "mentormatch_runs", status="published") == 1
    assert sample(after, "mentormatch_run_duration_seconds_count", status="succeeded") == 2  # published too
    assert sample(after, "mentormatch_run_duration_seconds_sum", status="succeeded") == 52
    assert sample(after, "mentormatch_run_duration_seconds_bucket", le="5.0", status="succeeded") == 0
    assert sample(after, "mentormatch_run_duration_seconds_bucket", le="15.0", status="succeeded") == 1
    assert sample(after, "mentormatch_run_duration_seconds_bucket", le="60.0", status="succeeded") == 2
    assert sample(after, "mentormatch_queue_depth") == 1
    assert sample(after, "mentormatch_messages", status="pending") == 2
    assert sample(after, "mentormatch_messages", status="failed") == 1
    assert sample(after, "mentormatch_messages", status="sent") == 0
    assert sample(after, "mentormatch_dependency_up", service="redis") == 1


async def test_the_index_points_to_the_api_and_tools(db: Backend) -> None:
    for environment in (Environment.DEVELOPMENT, Environment.PRODUCTION):
        app = create_app(replace(db.settings, environment=environment), manage_database=False)
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http:
            index = await http.get("/")
        assert index.status_code == 200
        body = index.json()
        assert body["graphql"].startswith("/graphql")
        assert body["health"] == {"live": "/health/live", "ready": "/health/ready"}
        assert body["metrics"] == "/metrics"
        assert (body["graphiql"] is not None) is (environment is Environment.DEVELOPMENT)


def test_production_log_lines_are_one_json_object_each() -> None:
    formatter = JsonFormatter()
    try:
        raise ValueError("boom\nsecond line")
    except ValueError:
        record = logging.LogRecord("api", logging.ERROR, __file__, 1, "run %s failed", ("r1",), None)
        import sys

        record.exc_info = sys.exc_info()
    record.run_id = "r1"
    line = formatter.format(record)
    assert "\n" not in line
    event = json.loads(line)
    assert event["level"] == "ERROR" and event["message"] == "run r1 failed" and event["run_id"] == "r1"
    assert "ValueError: boom" in event["exc"]
    access = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("1.2.3.4:5", "GET", "/", "1.1", 200),
        None,
    )
    assert json.loads(formatter.format(access))["status"] == 200
