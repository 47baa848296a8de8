"""The README's production section, run as written: its ``sh`` blocks, in order, in one bash, against the
local PostgreSQL (a new database with a unique name, dropped at the end) and Redis (the tests' database).

The only changes to the text are substitutions of the names a test must not share: the database names, the
Redis database, the port, and the PostgreSQL server when MENTORMATCH_TEST_POSTGRES points elsewhere.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import asyncpg

from tests.api.test_websocket_auth import free_port
from tests.conftest import POSTGRES_SERVER, REDIS_URL

README = Path(__file__).resolve().parents[2] / "README.md"


def production_blocks() -> list[str]:
    text = README.read_text()
    section = text[text.index("\n## Production\n") :]
    section = section[: section.index("\n## ", 1)]
    return re.findall(r"^```sh\n(.*?)^```$", section, re.MULTILINE | re.DOTALL)


def test_the_production_section_has_every_step() -> None:
    script = "\n".join(production_blocks())
    for step in (
        "createdb ",
        "mentormatch migrate",
        "mentormatch seed",
        "mentormatch token --role staff",
        "mentormatch serve",
        "mentormatch worker",
        "MENTORMATCH_ALLOWED_ORIGINS=",
        "pg_dump ",
        "pg_restore ",
        "/health/ready",
        "mentormatch worker --check",
    ):
        assert step in script, step
    routes = README.read_text()
    for route in ("/calendar/{token}.ics", "/statements/{mentorId}/{YYYY-MM}.csv", "/metrics", "`GET /`"):
        assert route in routes, route


async def _drop(*names: str) -> None:
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        for name in names:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


def test_the_production_steps_run_as_written(tmp_path: Path) -> None:
    suffix = uuid.uuid4().hex[:8]
    database, restored = f"mentormatch_readme_{suffix}", f"mentormatch_readme_restored_{suffix}"
    port = str(free_port())
    server = urlsplit(POSTGRES_SERVER)
    script = "\n".join(production_blocks())
    for old, new in (
        ("mentormatch_prod", database),
        ("mentormatch_restored", restored),
        ("postgres://postgres@127.0.0.1:5432", POSTGRES_SERVER),
        ("-h 127.0.0.1 -U postgres", f"-h {server.hostname} -p {server.port or 5432} -U {server.username}"),
        ("redis://127.0.0.1:6379/0", REDIS_URL),
        ("8000", port),
    ):
        script = script.replace(old, new)
    harness = "set -euo pipefail\ntrap 'kill $(jobs -p) 2>/dev/null || true; wait' EXIT\n"
    env = {k: v for k, v in os.environ.items() if not k.startswith("MENTORMATCH_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    process = subprocess.Popen(
        ["bash", "-c", harness + script],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=240)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        raise AssertionError(f"the README's steps did not finish in 240 s\n{out}\n{err}") from None
    finally:
        asyncio.run(_drop(database, restored))
    assert process.returncode == 0, f"stdout:\n{out}\nstderr:\n{err}"
    assert '"role":"staff"' in out.replace(" ", ""), out
    assert "migrations applied: models.0001_initial" in out
    assert "migrations applied: none pending" in out  # the upgrade step, on an up-to-date database
    assert "seeded:" in out
    assert '"status":"ok"' in out.replace(" ", "")  # /health/ready
    assert (tmp_path / "mentormatch.dump").stat().st_size > 0
    assert "Traceback" not in err
    events = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any(
        e["logger"] == "uvicorn.access" and e["path"] == "/graphql" and e["status"] == 200 for e in events
    )
    assert any(e["logger"] == "arq.worker" for e in events)


def test_the_readme_lists_every_http_route() -> None:
    from starlette.routing import Route, WebSocketRoute

    from api.app import create_app
    from infra.settings import Settings

    def shape(path: str) -> str:
        return re.sub(r"\{[^}]*\}", "{}", path)

    text = README.read_text()
    table = text[text.index("### HTTP routes") :]
    listed = {shape(m) for m in re.findall(r"`(?:[A-Z]+ )?(/[^` ]*)`", table)}
    app = create_app(Settings(database_url="sqlite://:memory:"), manage_database=False)
    served = {shape(r.path) for r in app.routes if isinstance(r, Route | WebSocketRoute)}
    assert served - listed == set(), f"routes missing from the README's table: {served - listed}"
