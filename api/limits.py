"""Request limits in front of GraphQL: body size (413) and a per-token rate limit (429, typed).

The rate limit is a fixed one-minute window counted in Redis (shared by every API process) or in memory
in the embedded setup. The error has the GraphQL shape, code RATE_LIMITED, and says when to retry.
"""

from __future__ import annotations

import hashlib
import json
import time
from typing import Protocol

from redis.asyncio import Redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WINDOW_S = 60


class RateLimiter(Protocol):
    async def hit(self, key: str) -> int | None:
        """Count one request; None when allowed, else the seconds until the window resets."""

    async def aclose(self) -> None:
        """Release connections."""


class MemoryRateLimiter:
    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self.windows: dict[str, tuple[int, int]] = {}

    async def hit(self, key: str) -> int | None:
        now = time.time()
        window = int(now // WINDOW_S)
        start, count = self.windows.get(key, (window, 0))
        if start != window:
            start, count = window, 0
        count += 1
        self.windows[key] = (start, count)
        if len(self.windows) > 100_000:  # forget old windows
            self.windows = {k: v for k, v in self.windows.items() if v[0] == window}
        return None if count <= self.per_minute else int((window + 1) * WINDOW_S - now) + 1

    async def aclose(self) -> None:
        return None


class RedisRateLimiter:
    def __init__(self, redis: Redis, per_minute: int) -> None:
        self.redis = redis
        self.per_minute = per_minute

    async def hit(self, key: str) -> int | None:
        now = time.time()
        window = int(now // WINDOW_S)
        name = f"mentormatch:ratelimit:{key}:{window}"
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.incr(name)
            pipe.expire(name, WINDOW_S + 5)
            count, _ = await pipe.execute()
        return None if int(count) <= self.per_minute else int((window + 1) * WINDOW_S - now) + 1

    async def aclose(self) -> None:
        await self.redis.aclose()


def caller_key(scope: Scope) -> str:
    """The bearer token's hash when there is one, else the client address."""
    for name, value in scope.get("headers", []):
        if name == b"authorization":
            return "t:" + hashlib.sha256(value).hexdigest()[:32]
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


async def _send_json(
    send: Send, status: int, body: dict[str, object], headers: list[tuple[bytes, bytes]]
) -> None:
    payload = json.dumps(body).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


def _is_json_object(scope: Scope, body: bytes) -> bool:
    """False only for a JSON body that parses to something other than an object or a list."""
    content_type = dict(scope.get("headers", [])).get(b"content-type", b"")
    if b"json" not in content_type or scope.get("method") != "POST":
        return True
    try:
        data = json.loads(body)
    except ValueError:
        return True  # strawberry answers malformed JSON with a 400 itself
    return isinstance(data, dict | list)


class GraphQLLimits:
    """ASGI middleware for the GraphQL path: body size first (cheap), then the rate limit."""

    def __init__(self, app: ASGIApp, *, path: str, max_body_bytes: int, limiter: RateLimiter) -> None:
        self.app = app
        self.path = path
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        retry_after = await self.limiter.hit(caller_key(scope))
        if retry_after is not None:
            await _send_json(
                send,
                429,
                {
                    "errors": [
                        {
                            "message": f"rate limit exceeded: retry in {retry_after} s",
                            "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
                        }
                    ]
                },
                [(b"retry-after", str(retry_after).encode())],
            )
            return
        # Bodies without a declared length are read up to the limit and refused past it.
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                await self._too_large(send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        if not _is_json_object(scope, body):
            # strawberry answers a JSON body that is a string or a number with a 500; it is a bad request.
            await _send_json(
                send,
                400,
                {
                    "errors": [
                        {
                            "message": "the body must be a JSON object with a query",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                [],
            )
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _too_large(self, send: Send) -> None:
        await _send_json(
            send,
            413,
            {
                "errors": [
                    {
                        "message": f"request body over {self.max_body_bytes} bytes",
                        "extensions": {"code": "BODY_TOO_LARGE", "limit": self.max_body_bytes},
                    }
                ]
            },
            [],
        )
