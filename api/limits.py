"""Request limits in front of GraphQL: body size (413) and a per-principal rate limit (429, typed);
and JSON bodies with a code for every HTTP 4xx answer, each logged as one line.

The rate limit is a fixed one-minute window counted in Redis (shared by every API process) or in memory
in the embedded setup, keyed on the authenticated principal (the token's id) or, for anonymous callers
and tokens that never authenticated, on the client address: a header written differently or a made-up
token gets no fresh quota. Every operation on a websocket counts too. The error has the GraphQL shape,
code RATE_LIMITED, and says when to retry.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from typing import Protocol

from redis.asyncio import Redis
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.services.tokens import bearer
from infra.logs import log_client_error
from schema.context import Principals

WINDOW_S = 60
BODY_TIMEOUT_S = 10.0  # a request body must arrive within this (408 after)
log = logging.getLogger("mentormatch.requests")


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


def principal_key(token_id: int) -> str:
    return f"t:{token_id}"


def caller_key(scope: Scope, principals: Principals) -> str:
    """The token's id when the token is known to authenticate, else the client address."""
    header = dict(scope.get("headers", [])).get(b"authorization")
    token = bearer(header.decode("latin-1")) if header is not None else None
    token_id = principals.token_id(token)
    if token_id is not None:
        return principal_key(token_id)
    client = scope.get("client")
    return f"ip:{client[0] if client else 'unknown'}"


CODES = {
    400: "BAD_REQUEST",
    401: "UNAUTHENTICATED",
    403: "FORBIDDEN",
    404: "NOT_FOUND",
    405: "METHOD_NOT_ALLOWED",
    408: "REQUEST_TIMEOUT",
    413: "BODY_TOO_LARGE",
    415: "UNSUPPORTED_MEDIA_TYPE",
    429: "RATE_LIMITED",
}


class JsonClientErrors:
    """Every HTTP 4xx answer of the app has a JSON body ``{"errors": [{"message", "extensions": {"code"}}]}``
    (strawberry and Starlette answer some in plain text), and is logged as one line."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held: Message | None = None
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal held
            if message["type"] == "http.response.start" and 400 <= message["status"] < 500:
                held = message
                return
            if held is None:
                await send(message)
                return
            if message["type"] != "http.response.body":
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                await self._answer(scope, send, held, b"".join(chunks))

        await self.app(scope, receive, wrapped)

    async def _answer(self, scope: Scope, send: Send, start: Message, body: bytes) -> None:
        status: int = start["status"]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        content_type = dict(headers).get(b"content-type", b"")
        code = CODES.get(status, "CLIENT_ERROR")
        message = body.decode("utf-8", "replace").strip() or f"HTTP {status}"
        if b"json" in content_type:
            try:
                errors = json.loads(body).get("errors") or []
                first = errors[0]
                code = first.get("extensions", {}).get("code", code)
                message = first.get("message", message)
            except (ValueError, AttributeError, IndexError, TypeError, KeyError):
                pass
        else:
            body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
            headers = [(k, v) for k, v in headers if k.lower() != b"content-type"]
            headers.append((b"content-type", b"application/json"))
        log_client_error(status, code, scope.get("method", ""), scope.get("path", ""), message)
        headers.append((b"content-length", str(len(body)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})


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
    except (ValueError, RecursionError):
        return True  # strawberry answers malformed JSON with a 400 itself (see MentormatchGraphQL)
    return isinstance(data, dict | list)


def rate_limited(retry_after: int) -> dict[str, object]:
    return {
        "errors": [
            {
                "message": f"rate limit exceeded: retry in {retry_after} s",
                "extensions": {"code": "RATE_LIMITED", "retryAfter": retry_after},
            }
        ]
    }


class GraphQLLimits:
    """ASGI middleware for the GraphQL path: body size first (cheap), then the rate limit."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        path: str,
        max_body_bytes: int,
        limiter: RateLimiter,
        principals: Principals,
        body_timeout_s: float = BODY_TIMEOUT_S,
    ) -> None:
        self.app = app
        self.path = path
        self.max_body_bytes = max_body_bytes
        self.limiter = limiter
        self.principals = principals
        self.body_timeout_s = body_timeout_s

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] != self.path:
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", [])).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_bytes:
            await self._too_large(send)
            return
        retry_after = await self.limiter.hit(caller_key(scope, self.principals))
        if retry_after is not None:
            await _send_json(
                send, 429, rate_limited(retry_after), [(b"retry-after", str(retry_after).encode())]
            )
            return
        # Bodies without a declared length are read up to the limit and refused past it; a body that
        # does not arrive within the deadline is answered 408 (a half-sent request holds nothing).
        chunks: list[bytes] = []
        try:
            async with asyncio.timeout(self.body_timeout_s):
                too_large = await self._read(receive, chunks)
        except TimeoutError:
            await _send_json(
                send,
                408,
                {
                    "errors": [
                        {
                            "message": f"the request body did not arrive within {self.body_timeout_s:g} s",
                            "extensions": {"code": "REQUEST_TIMEOUT"},
                        }
                    ]
                },
                [(b"connection", b"close")],
            )
            return
        if too_large:
            await self._too_large(send)
            return
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

    async def _read(self, receive: Receive, chunks: list[bytes]) -> bool:
        """Read the body into ``chunks``; True when it is over the limit."""
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                return True
            chunks.append(chunk)
            more = message.get("more_body", False)
        return False

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
