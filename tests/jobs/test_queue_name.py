"""``MENTORMATCH_QUEUE``: the API enqueues a run's job on the queue the workers listen to."""

from __future__ import annotations

from dataclasses import replace

import httpx
import pytest
from arq.constants import default_queue_name, job_key_prefix
from redis.asyncio import Redis

from api.app import create_app
from jobs.queue import QUEUE_ENV, configured_queue_name
from tests.conftest import REDIS_URL, Backend, GraphQLClient

START = """
mutation { startRun(input: {timeLimitS: 5}) {
  __typename ... on RunPayload { run { id status } } ... on UserError { code field message }
} }"""


async def test_the_api_enqueues_on_the_configured_queue(
    db: Backend, staff_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(QUEUE_ENV, "mentormatch-test-queue")
    assert configured_queue_name() == "mentormatch-test-queue"
    redis = Redis.from_url(REDIS_URL)
    await redis.flushdb()
    app = create_app(replace(db.settings, redis_url=REDIS_URL), manage_database=False)
    headers = {"authorization": f"Bearer {staff_token}"}
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://testserver", headers=headers
        ) as http:
            started = await GraphQLClient(http)(START)
        run_id = started["startRun"]["run"]["id"]
        assert await redis.exists(job_key_prefix + run_id) == 1
        # Workers started with MENTORMATCH_QUEUE poll this sorted set only.
        assert await redis.zscore("mentormatch-test-queue", run_id) is not None
        assert await redis.zscore(default_queue_name, run_id) is None
    finally:
        await app.state.limiter.aclose()
        await redis.flushdb()
        await redis.aclose()
