"""Observability of the API process: Prometheus metrics at ``/metrics`` and the index at ``/``.

Measured in this process, as requests pass (an ASGI middleware around the whole app):
- ``mentormatch_http_request_duration_seconds{method,route}``: latency, by route template (never the raw
  path: calendar feed URLs carry secrets);
- ``mentormatch_http_responses_total{method,route,status}``: responses by HTTP status;
- ``mentormatch_graphql_errors_total{code}``: GraphQL errors by ``extensions.code`` (``UNCODED`` when an
  error has none) and JSON 4xx bodies by their ``code``;
- ``mentormatch_websocket_subscribers``: open GraphQL websockets (each one a subscriber).

Read at each scrape from the shared stores, so that one API process reports the whole system whichever
worker ran the jobs:
- ``mentormatch_runs{status}``: matching runs by status;
- ``mentormatch_run_duration_seconds{status}``: a histogram of finished runs (started to finished) by
  outcome (succeeded, published ones included; stale; failed; cancelled);
- ``mentormatch_queue_depth``: jobs waiting in the arq queue (in-process: jobs not finished yet);
- ``mentormatch_dependency_up{service}``: whether the scrape could read the database and Redis.

- ``mentormatch_messages{status}``: notification messages by status (pending, sending, sent, failed,
  skipped): a growing ``pending`` or any ``failed`` means mail is not going out.
With ``serve --workers N`` the API processes write their request metrics to files in a shared folder
(prometheus_client's multiprocess mode, ``PROMETHEUS_MULTIPROC_DIR``, which ``serve`` sets up), and any
process answering ``/metrics`` reports the sum over all of them (the open websockets: the live ones).
"""

from __future__ import annotations

import json
import logging
import os
import time
from collections.abc import Iterable, Sequence
from typing import Any

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from domain.enums import MessageStatus, RunStatus
from infra.settings import Settings

log = logging.getLogger(__name__)

RUN_BUCKETS = (1.0, 5.0, 15.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0)
MAX_INSPECTED_BODY = 1_000_000  # GraphQL error bodies are small; larger ones are counted by status only
FINISHED = (
    RunStatus.SUCCEEDED,
    RunStatus.FAILED,
    RunStatus.CANCELLED,
    RunStatus.STALE,
    RunStatus.PUBLISHING,
    RunStatus.PUBLISHED,
)
# A run being published or published succeeded: its solve's outcome.
SOLVED = (RunStatus.PUBLISHING, RunStatus.PUBLISHED)


class _RunDurations(Collector):
    """The histogram of finished runs' durations, as last read from the database."""

    def __init__(self) -> None:
        self.durations: dict[str, list[float]] = {}

    def collect(self) -> Iterable[Metric]:
        family = HistogramMetricFamily(
            "mentormatch_run_duration_seconds",
            "Finished matching runs by outcome (published ones count as succeeded): seconds from start to "
            "finish (from the database).",
            labels=["status"],
        )
        for status, values in sorted(self.durations.items()):
            buckets = [(str(b), float(sum(1 for v in values if v <= b))) for b in RUN_BUCKETS]
            buckets.append(("+Inf", float(len(values))))
            family.add_metric([status], buckets, sum(values))
        yield family


class _SharedState(Collector):
    """What the scrape read from the database and Redis (runs by status, queue depth, reachability): the
    same for every API process, so reported as read, never summed over processes."""

    def __init__(self) -> None:
        self.runs: dict[str, float] = {}
        self.messages: dict[str, float] = {}
        self.queue_depth = 0.0
        self.up: dict[str, float] = {}

    def collect(self) -> Iterable[Metric]:
        runs = GaugeMetricFamily(
            "mentormatch_runs", "Matching runs by status (from the database).", labels=["status"]
        )
        for status, n in sorted(self.runs.items()):
            runs.add_metric([status], n)
        yield runs
        messages = GaugeMetricFamily(
            "mentormatch_messages", "Notification messages by status (from the database).", labels=["status"]
        )
        for status, n in sorted(self.messages.items()):
            messages.add_metric([status], n)
        yield messages
        yield GaugeMetricFamily(
            "mentormatch_queue_depth",
            "Jobs waiting in the queue (arq's queue in Redis, or in-process).",
            value=self.queue_depth,
        )
        up = GaugeMetricFamily(
            "mentormatch_dependency_up", "1 when the last scrape could read the service.", labels=["service"]
        )
        for service, value in sorted(self.up.items()):
            up.add_metric([service], value)
        yield up


def multiprocess_dir() -> str | None:
    """The folder the API processes of ``serve --workers N`` share their metrics through, if any."""
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


class Metrics:
    """One registry per app (tests build many apps in one process)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.registry = CollectorRegistry()
        r = self.registry
        self.latency = Histogram(
            "mentormatch_http_request_duration_seconds",
            "HTTP request latency by route template.",
            ["method", "route"],
            registry=r,
        )
        self.responses = Counter(
            "mentormatch_http_responses",
            "HTTP responses by status.",
            ["method", "route", "status"],
            registry=r,
        )
        self.errors = Counter(
            "mentormatch_graphql_errors",
            "GraphQL errors (and JSON 4xx bodies) by code.",
            ["code"],
            registry=r,
        )
        self.websockets = Gauge(
            "mentormatch_websocket_subscribers",
            "Open GraphQL websockets (over the live API processes).",
            registry=r,
            multiprocess_mode="livesum",
        )
        self.shared = _SharedState()
        self.durations = _RunDurations()
        r.register(self.shared)
        r.register(self.durations)

    async def refresh(self) -> None:
        """Read what lives in the database and Redis (runs, queue) just before a scrape."""
        from tortoise.functions import Count

        from domain.models import MatchingRun, Message
        from jobs.queue import ArqQueue, queue_for

        try:
            counts = dict(
                await MatchingRun.all().group_by("status").annotate(n=Count("id")).values_list("status", "n")
            )
            sent = dict(
                await Message.all().group_by("status").annotate(n=Count("id")).values_list("status", "n")
            )
            rows = await MatchingRun.filter(
                status__in=list(FINISHED), started_at__isnull=False, finished_at__isnull=False
            ).values_list("status", "started_at", "finished_at")
        except Exception as exc:
            log.warning("metrics: the database could not be read: %s: %s", type(exc).__name__, exc)
            self.shared.up["database"] = 0
        else:
            self.shared.up["database"] = 1
            self.shared.runs = {status.value: float(counts.get(status, 0)) for status in RunStatus}
            self.shared.messages = {status.value: float(sent.get(status, 0)) for status in MessageStatus}
            durations: dict[str, list[float]] = {}
            for status, started, finished in rows:
                # By the solve's outcome, which never changes afterwards (a published run succeeded), so
                # that the histogram only grows, as Prometheus expects.
                outcome = RunStatus.SUCCEEDED if RunStatus(status) in SOLVED else RunStatus(status)
                durations.setdefault(outcome.value, []).append(max(0.0, (finished - started).total_seconds()))
            self.durations.durations = durations
        queue = queue_for(self.settings.redis_url)
        try:
            if isinstance(queue, ArqQueue):
                pool = await queue.pool()
                self.shared.queue_depth = float(await pool.zcard(queue.queue_name))
                self.shared.up["redis"] = 1
            else:
                self.shared.queue_depth = float(sum(1 for task in queue.tasks.values() if not task.done()))
        except Exception as exc:
            log.warning("metrics: Redis could not be read: %s: %s", type(exc).__name__, exc)
            self.shared.up["redis"] = 0

    async def endpoint(self, _request: Request) -> Response:
        await self.refresh()
        registry = self.registry
        if (folder := multiprocess_dir()) is not None:
            # Request metrics summed over every API process's files; the shared state as this one read it.
            registry = CollectorRegistry()
            MultiProcessCollector(registry, path=folder)  # type: ignore[no-untyped-call]
            registry.register(self.shared)
            registry.register(self.durations)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)

    def count_errors(self, body: bytes, status: int) -> None:
        """Count the codes of a JSON error body (GraphQL ``errors`` or a 4xx ``{"code": ...}``)."""
        if len(body) > MAX_INSPECTED_BODY or (b'"errors"' not in body and status < 400):
            return
        try:
            payload = json.loads(body)
        except ValueError:
            return
        if not isinstance(payload, dict):
            return
        errors = payload.get("errors")
        if isinstance(errors, list):
            for error in errors:
                extensions = error.get("extensions") if isinstance(error, dict) else None
                code = extensions.get("code") if isinstance(extensions, dict) else None
                self.errors.labels(str(code) if code else "UNCODED").inc()
        elif isinstance(payload.get("code"), str):
            self.errors.labels(payload["code"]).inc()


class MetricsMiddleware:
    """Times every HTTP request, counts responses and error codes, gauges open websockets."""

    def __init__(self, app: ASGIApp, metrics: Metrics, routes: Sequence[BaseRoute]) -> None:
        self.app = app
        self.metrics = metrics
        self.routes = routes

    def _route(self, scope: Scope) -> str:
        for route in self.routes:
            match, _ = route.matches(scope)
            if match is not Match.NONE:
                return str(getattr(route, "path", "other"))
        return "other"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "websocket":
            self.metrics.websockets.inc()
            try:
                await self.app(scope, receive, send)
            finally:
                self.metrics.websockets.dec()
            return
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        route = self._route(scope)
        method = str(scope["method"])
        state: dict[str, Any] = {"status": 500, "json": False, "body": bytearray()}

        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                state["status"] = int(message["status"])
                headers = dict(message.get("headers") or [])
                state["json"] = headers.get(b"content-type", b"").startswith(b"application/json") and (
                    route == "/graphql" or state["status"] >= 400
                )
            elif message["type"] == "http.response.body" and state["json"]:
                body: bytearray = state["body"]
                if len(body) <= MAX_INSPECTED_BODY:
                    body.extend(message.get("body", b""))
            await send(message)

        started = time.perf_counter()
        try:
            await self.app(scope, receive, wrapped)
        finally:
            self.metrics.latency.labels(method, route).observe(time.perf_counter() - started)
            self.metrics.responses.labels(method, route, str(state["status"])).inc()
            if state["json"] and state["body"]:
                self.metrics.count_errors(bytes(state["body"]), state["status"])


def index(settings: Settings) -> Any:
    """``/``: where things are (the API, GraphiQL in development, health, metrics, the plain routes)."""

    async def endpoint(_request: Request) -> Response:
        return JSONResponse(
            {
                "service": "mentormatch",
                "graphql": "/graphql (POST JSON; websocket graphql-transport-ws)",
                "graphiql": "/graphql in a browser" if settings.is_development else None,
                "health": {"live": "/health/live", "ready": "/health/ready"},
                "metrics": "/metrics",
                "calendarFeed": "/calendar/{token}.ics",
                "statementCsv": "/statements/{mentorId}/{YYYY-MM}.csv",
            }
        )

    return endpoint


def install(app: Starlette, settings: Settings) -> Metrics:
    """Add ``/``, ``/metrics`` and the metrics middleware (outermost) to a built app."""
    metrics = Metrics(settings)
    app.add_route("/", index(settings), methods=["GET"])
    app.add_route("/metrics", metrics.endpoint, methods=["GET"])
    app.add_middleware(MetricsMiddleware, metrics=metrics, routes=app.routes)
    app.state.metrics = metrics
    return metrics
