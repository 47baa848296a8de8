"""``mentormatch serve --workers N``: N API processes share the port (uvicorn workers), each building its
app from the environment; more than one needs Redis (jobs and live events cross processes through it)."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from tests.conftest import REDIS_URL, Backend

ROOT = Path(__file__).resolve().parents[2]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def _workers(pid: int) -> set[int]:
    """The spawned worker processes of uvicorn's supervisor (not multiprocessing's resource tracker)."""
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        found |= {int(c) for c in (task / "children").read_text().split()}
    return {c for c in found if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()}


def test_serve_runs_the_given_number_of_api_processes(db: Backend) -> None:
    port = _port()
    env = {
        **os.environ,
        "DATABASE_URL": db.url,
        "REDIS_URL": REDIS_URL,
        "MENTORMATCH_PORT": str(port),
        "PYTHONPATH": str(ROOT),
    }
    log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in the finally below, after the server
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "2"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    try:
        deadline = time.monotonic() + 60
        answered = 0
        while answered < 10:
            try:
                answered += httpx.get(f"http://127.0.0.1:{port}/health/ready", timeout=2).status_code == 200
            except httpx.TransportError:
                time.sleep(0.2)
            if server.poll() is not None:
                log.seek(0)
                raise AssertionError(log.read().decode())
            assert time.monotonic() < deadline, "the API did not start"
        # Both workers answer once both have started their app (the first may answer alone before).
        started = 0
        while started < 2 and time.monotonic() < deadline:
            log.seek(0)
            started = log.read().decode().count("Application startup complete")
            time.sleep(0.2)
        # uvicorn's supervisor, and two worker processes that each started their app.
        workers = _workers(server.pid)
        assert len(workers) == 2, workers
        assert started == 2
        # Whichever process answers /metrics reports the requests both processes served (each request
        # on a new connection, so the kernel hands them to either process).
        served = 0
        for _ in range(40):
            served += httpx.get(f"http://127.0.0.1:{port}/health/live", timeout=5).status_code == 200
        for _ in range(6):
            scrape = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
            counted = re.search(
                r'^mentormatch_http_responses_total\{method="GET",route="/health/live",status="200"\} (\S+)$',
                scrape,
                re.MULTILINE,
            )
            assert counted is not None, scrape
            assert float(counted.group(1)) == served
            assert re.search(r'^mentormatch_dependency_up\{service="database"\} 1\.0$', scrape, re.MULTILINE)
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        finally:
            log.close()


def test_several_workers_need_redis(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite://{tmp_path / 'x.sqlite3'}", "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "serve", "--workers", "2"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "--workers above 1 needs REDIS_URL" in done.stderr
