"""Process plumbing for the fault tests: real ``mentormatch worker`` processes, scenario steps as
processes, a private PostgreSQL cluster and a private Redis server (so that restarting them disturbs no
one else's tests), and SQL reads of the scenario's database."""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import asyncpg

from tests.databases import own_database as own_database  # the scenarios' databases (tests/databases.py)

ROOT = Path(__file__).resolve().parents[2]
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def until(
    check: Callable[[], Awaitable[bool]],
    *,
    within_s: float = 120.0,
    what: str = "",
    explain: Callable[[], Awaitable[str]] | None = None,
) -> None:
    """Wait for ``check``; past ``within_s`` fail, with what ``explain`` says of the state (worker logs...)."""
    deadline = time.monotonic() + within_s
    while not await check():
        if time.monotonic() > deadline:
            seen = f"\n{await explain()}" if explain is not None else ""
            raise AssertionError(f"not reached within {within_s}s: {what}{seen}")
        await asyncio.sleep(0.1)


class Stack:
    """One scenario: its database, its Redis, its arq queue, its worker processes."""

    def __init__(self, database_url: str, redis_url: str, logs: Path, **env: str) -> None:
        self.database_url = database_url
        self.redis_url = redis_url
        self.logs = logs
        self.queue = f"arq:mm-faults-{os.getpid()}-{time.monotonic_ns()}"
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "MENTORMATCH_QUEUE": self.queue,
            "MENTORMATCH_HEARTBEAT_TIMEOUT_S": "10",
            "PYTHONPATH": str(ROOT),
            **env,
        }
        self.workers: dict[str, subprocess.Popen[bytes]] = {}

    async def step(self, *args: str) -> dict[str, Any]:
        done = await asyncio.to_thread(
            subprocess.run,
            [sys.executable, "-m", "tests.jobs.scenario", *args],
            env=self.env,
            cwd=ROOT,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stderr.decode()[-3000:]
        result: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
        return result

    def worker(self, name: str) -> subprocess.Popen[bytes]:
        log = open(self.logs / f"{name}.log", "wb")  # noqa: SIM115 - closed with the process
        proc = subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker"], env=self.env, cwd=ROOT, stdout=log, stderr=log
        )
        log.close()
        self.workers[name] = proc
        return proc

    def kill(self, name: str) -> None:
        """SIGKILL the worker ``name`` (no shutdown of any kind) and reap it."""
        proc = self.workers[name]
        proc.send_signal(signal.SIGKILL)
        proc.wait()

    def log(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def tails(self, lines: int = 40) -> str:
        """The last lines of every worker's log, for a failure's message (CI keeps no other trace)."""
        out = []
        for name, proc in self.workers.items():
            tail = self.log(name).splitlines()[-lines:]
            out.append(f"--- {name} (exit {proc.poll()}) ---\n" + "\n".join(line[:300] for line in tail))
        return "\n".join(out)

    async def rows(self, query: str, *args: Any) -> list[asyncpg.Record]:
        conn = await asyncpg.connect(self.database_url, timeout=10)
        try:
            rows: list[asyncpg.Record] = await conn.fetch(query, *args)
            return rows
        finally:
            await conn.close()

    async def value(self, query: str, *args: Any) -> Any:
        rows = await self.rows(query, *args)
        return rows[0][0] if rows else None

    async def run_row(self, run_id: str) -> asyncpg.Record:
        rows = await self.rows(
            "SELECT status, attempts, result IS NOT NULL AS has_result, progress->>'phase' AS phase, error "
            "FROM matching_run WHERE id = $1",
            run_id,
        )
        return rows[0]

    async def status_events(self, run_id: str, status: str) -> int:
        count: int = await self.value(
            "SELECT count(*) FROM event WHERE topic = $1 AND kind = 'status' AND payload->>'status' = $2",
            f"run:{run_id}",
            status,
        )
        return count

    def stop(self) -> None:
        for proc in self.workers.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait()


class PrivatePostgres:
    """A throw-away PostgreSQL cluster on a free port (restarted freely: nobody else uses it)."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mm-pg-"))
        self.port = free_port()
        shutil.chown(self.dir, "postgres", "postgres")
        self.data = self.dir / "data"
        self._as_postgres(
            [str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]
        )

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}"

    def _as_postgres(self, argv: list[str]) -> None:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        subprocess.run(prefix + argv, check=True, capture_output=True, timeout=120)

    def _ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            [str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options, "-l", str(self.dir / "log"), *args]
        )

    def start(self) -> None:
        self._ctl("-w", "start")

    def restart_immediate(self) -> None:
        """Crash-like: no checkpoint, every client connection cut; recovery replays the WAL."""
        self._ctl("-w", "-m", "immediate", "restart")

    def stop(self) -> None:
        self._ctl("-w", "-m", "immediate", "stop")

    def remove(self) -> None:
        shutil.rmtree(self.dir, ignore_errors=True)


class PrivateRedis:
    """A throw-away Redis without persistence: a restart loses every key, as in the fault."""

    def __init__(self) -> None:
        self.port = free_port()
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", self.port)) == 0:
                    return
            time.sleep(0.05)
        raise AssertionError("private redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def pause(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)
