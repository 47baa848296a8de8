"""Where the CPU of one mentor dashboard request goes, by layer, for the paths the API can take.

    nice -n 10 .venv/bin/python benchmarks/dashboard_profile.py [--requests 400] [--tree]

Builds the data of ``dashboard_latency.py`` (one mentor, 20 students; a fresh PostgreSQL database, dropped
at the end) and sends the dashboard query in-process (httpx's ASGI transport: no socket, no uvicorn) to
three apps: ``uncached`` (the generic executor, every token looked up: the state before compiled reads
and the token cache), ``generic`` (the generic executor with the token cache: what any other query
gets) and ``compiled`` (the API as served: the dashboard answered by ``schema.compiled``). For each: CPU
ms per request (``time.process_time``, without profiler; the httpx client's share included, as in
``dashboard_latency.py``), then pyinstrument's samples of as many requests again: the share of a few
functions with what they call, and the self time of each layer (a built-in call counts for its caller).
Percentages come from the samples and are scaled to the unprofiled CPU per request.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import time
from collections import Counter
from dataclasses import replace
from datetime import timedelta
from pathlib import Path
from typing import Any

import asyncpg
from pyinstrument import Profiler
from pyinstrument.frame import Frame

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import dashboard_latency as bench  # noqa: E402

from api.app import create_app  # noqa: E402
from infra import connections  # noqa: E402
from infra.settings import Settings  # noqa: E402
from schema.build import build_schema  # noqa: E402

DATABASE = f"mentormatch_profile_{os.getpid()}"

# Self time by layer: the first rule whose text is in the file's path.
LAYERS = [
    ("httpx/", "httpx client (the benchmark's side)"),
    ("/graphql/execution", "graphql-core executor"),
    ("/graphql/", "graphql-core parse, validation, values"),
    ("strawberry/schema/schema_converter", "strawberry per-field resolver wrappers"),
    ("strawberry/types/field", "strawberry per-field resolver wrappers"),
    ("strawberry/types/info", "strawberry per-field resolver wrappers"),
    ("strawberry/schema/schema.py", "strawberry execute, per-field Info"),
    ("strawberry/dataloader", "strawberry DataLoader"),
    ("strawberry/extensions", "strawberry extensions"),
    ("strawberry/http", "strawberry HTTP view (body, context, response)"),
    ("strawberry/asgi", "strawberry HTTP view (body, context, response)"),
    ("strawberry/", "strawberry, other"),
    ("tortoise/", "Tortoise ORM (SQL building, model rows)"),
    ("pypika", "Tortoise ORM (SQL building, model rows)"),
    ("asyncpg/", "asyncpg driver"),
    ("starlette/", "starlette and our middleware"),
    ("/api/", "starlette and our middleware"),
    ("prometheus_client", "starlette and our middleware"),
    ("json/", "JSON encode and decode"),
    ("asyncio/", "asyncio loop, tasks, socket writes"),
    ("selectors.py", "asyncio loop, tasks, socket writes"),
    ("/schema/guard", "our access guard"),
    ("/schema/inputs", "our argument checks"),
    ("/schema/limits", "our validation and cost limits"),
    ("/schema/compiled", "our compiled reader"),
    ("/schema/loaders", "our loaders"),
    ("/schema/types", "our types (resolvers, paris_week)"),
    ("/schema/context", "token lookup"),
    ("/domain/services/tokens", "token lookup"),
    ("/domain/", "domain (Paris time, access rules)"),
    ("zoneinfo", "domain (Paris time, access rules)"),
]
# (label, text in the file's path, function or None for any): time with what they call.
FUNCTIONS = [
    ("token lookup (Context._authenticate)", "schema/context.py", "_authenticate"),
    ("validation (RequestValidation, cached)", "schema/limits.py", "on_validate"),
    ("cost (CostLimiter)", "schema/limits.py", "_check"),
    ("DataLoader batches (the loaders' SQL)", "strawberry/dataloader.py", "dispatch_batch"),
    ("access guard (with what it wraps)", "schema/guard.py", "guarded"),
    ("compiled reader (with its SQL)", "schema/compiled.py", "dashboard"),
    ("response JSON encoding", "strawberry/http/base.py", "encode_json"),
]


def layer(path: str) -> str:
    for text, label in LAYERS:
        if text in path:
            return label
    return "other: " + ("/".join(path.split("/")[-2:]) or "?")


def breakdown(frame: Frame) -> tuple[Counter[str], Counter[str]]:
    layers: Counter[str] = Counter()
    functions: Counter[str] = Counter()

    def walk(node: Frame, owner: str, active: frozenset[str]) -> None:
        real = [c for c in node.children if not c.is_synthetic]
        path = node.file_path if node.file_path and not node.file_path.startswith("<") else owner
        layers[layer(path)] += max(node.time - sum(c.time for c in real), 0.0)
        hits = {
            label
            for label, text, name in FUNCTIONS
            if text in (node.file_path or "") and (name is None or node.function == name)
        }
        for label in hits - active:
            functions[label] += node.time
        for child in real:
            walk(child, path, active | hits)

    walk(frame, "", frozenset())
    return layers, functions


async def measure(app: Any, body: dict[str, Any], token: str, n: int, tree: bool) -> str:
    async with bench.asgi_client(app, token) as http:
        for _ in range(20):
            response = await http.post("/graphql", json=body)
            assert response.status_code == 200 and "errors" not in response.json(), response.text
        start = time.process_time()
        for _ in range(n):
            await http.post("/graphql", json=body)
        cpu_ms = (time.process_time() - start) * 1000 / n
        profiler = Profiler(interval=0.0002, async_mode="disabled")
        profiler.start()
        for _ in range(n):
            await http.post("/graphql", json=body)
        profiler.stop()
    session = profiler.last_session
    assert session is not None
    root = session.root_frame()
    assert root is not None
    layers, functions = breakdown(root)
    total = sum(layers.values())
    lines = [f"  CPU per request {cpu_ms:.2f} ms (in-process, httpx client included)", "  functions:"]
    for label, _, _ in FUNCTIONS:
        share = functions[label] / total
        lines.append(f"    {label:48s} {100 * share:5.1f}%  {cpu_ms * share:5.2f} ms")
    lines.append("  self time by layer:")
    for label, seconds in layers.most_common(16):
        share = seconds / total
        lines.append(f"    {label:48s} {100 * share:5.1f}%  {cpu_ms * share:5.2f} ms")
    if tree:
        lines.append(profiler.output_text(unicode=False, color=False, show_all=False))
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=400)
    parser.add_argument("--server", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--tree", action="store_true", help="also print pyinstrument's call tree")
    args = parser.parse_args()
    conn = await asyncpg.connect(f"{args.server}/postgres")
    await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
    await conn.execute(f'CREATE DATABASE "{DATABASE}"')
    await conn.close()
    settings = Settings(database_url=f"{args.server}/{DATABASE}", rate_limit_per_minute=10**6)
    try:
        await connections.connect_database(settings)
        await connections.migrate()
        mentor_id, token = await bench.build(settings)
        week = (bench.MONDAY + timedelta(days=2)).isoformat()
        body = {"query": bench.DASHBOARD, "variables": {"id": mentor_id, "week": week}}
        uncached = replace(settings, token_cache_s=0.0)
        variants = [
            ("uncached", uncached, False),
            ("generic", settings, False),
            ("compiled", settings, True),
        ]
        for name, chosen, compiled in variants:
            schema = build_schema(chosen, compiled_reads=compiled)
            app = create_app(chosen, manage_database=False, schema=schema)
            print(f"{name}:")
            print(await measure(app, body, token, args.requests, args.tree))
            await app.state.limiter.aclose()
        print(f"load average (1 min): {os.getloadavg()[0]:.2f}")
    finally:
        await connections.disconnect()
        conn = await asyncpg.connect(f"{args.server}/postgres")
        await conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await conn.close()


if __name__ == "__main__":
    asyncio.run(main())
