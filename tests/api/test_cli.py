"""The ``mentormatch`` command as an operator meets it: run as subprocesses, from a foreign working directory.

Each failure is one line on stderr naming the service and what to do (exit 2), never a traceback.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import asyncpg
import pytest

from api.cli import build_parser
from tests.conftest import POSTGRES_SERVER, REDIS_URL

ROOT = Path(__file__).resolve().parents[2]


def clean_env(**extra: str) -> dict[str, str]:
    """The environment without the project's settings, plus ``extra``."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL") and not k.startswith("MENTORMATCH_")
    }
    return {**env, "MENTORMATCH_SERVICE_TIMEOUT_S": "2", **extra}


def mentormatch(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "api.cli", *args],
        cwd=cwd,
        env=clean_env(**env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def one_line_failure(done: subprocess.CompletedProcess[str]) -> str:
    """The failure's single stderr line (asserting the exit status and the absence of a traceback)."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


async def _admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@pytest.fixture
async def empty_postgres() -> AsyncIterator[str]:
    """A new, empty PostgreSQL database (no migrations), dropped afterwards."""
    name = f"mentormatch_cli_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield f"{POSTGRES_SERVER}/{name}"
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_missing_database_is_named_with_how_to_create_it(tmp_path: Path) -> None:
    name = f"mentormatch_absent_{uuid.uuid4().hex[:8]}"
    line = one_line_failure(mentormatch("migrate", cwd=tmp_path, DATABASE_URL=f"{POSTGRES_SERVER}/{name}"))
    assert f'database "{name}" does not exist' in line
    assert f"createdb -h 127.0.0.1 -p 5432 -U postgres {name}" in line
    assert "unreachable" not in line


def test_an_unreachable_server_says_start_it(tmp_path: Path) -> None:
    line = one_line_failure(
        mentormatch("token", "--role", "staff", cwd=tmp_path, DATABASE_URL="postgres://u@127.0.0.1:1/mm")
    )
    assert line.startswith("mentormatch: database postgres://127.0.0.1:1/mm is unreachable")
    assert "Start it" in line


def test_wrong_credentials_are_named(tmp_path: Path) -> None:
    url = f"postgres://nobody_{uuid.uuid4().hex[:6]}:secret@127.0.0.1:5432/postgres"
    line = one_line_failure(mentormatch("migrate", cwd=tmp_path, DATABASE_URL=url))
    assert "refused the user" in line and "check the user and password in DATABASE_URL" in line
    assert "secret" not in line
    redis_line = one_line_failure(
        mentormatch("worker", "--check", cwd=tmp_path, REDIS_URL="redis://:wrong@127.0.0.1:6379/7")
    )
    assert "refused the credentials" in redis_line and "REDIS_URL" in redis_line


async def test_serve_and_token_before_migrate_say_run_migrate(tmp_path: Path, empty_postgres: str) -> None:
    for args in (("serve", "--port", "8107"), ("token", "--role", "staff")):
        line = one_line_failure(mentormatch(*args, cwd=tmp_path, DATABASE_URL=empty_postgres))
        assert "lacks migrations" in line and "run `mentormatch migrate`" in line


async def test_worker_and_serve_with_redis_down_fail_at_once(tmp_path: Path, empty_postgres: str) -> None:
    assert mentormatch("migrate", cwd=tmp_path, DATABASE_URL=empty_postgres).returncode == 0
    for args in (("worker",), ("worker", "--check"), ("serve", "--port", "8107")):
        done = mentormatch(
            *args, cwd=tmp_path, DATABASE_URL=empty_postgres, REDIS_URL="redis://127.0.0.1:1/0"
        )
        line = one_line_failure(done)
        assert line.startswith("mentormatch: Redis redis://127.0.0.1:1/0 is unreachable")


def test_worker_check_fails_without_a_live_worker(tmp_path: Path) -> None:
    queue = f"mentormatch-cli-{uuid.uuid4().hex[:8]}"
    done = mentormatch("worker", "--check", cwd=tmp_path, REDIS_URL=REDIS_URL, MENTORMATCH_QUEUE=queue)
    assert done.returncode == 1, done.stderr
    assert "Traceback" not in done.stderr


def test_the_default_database_does_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    code = "from infra.settings import Settings; print(Settings.from_env({}).database_url)"
    urls = {
        subprocess.run(
            [sys.executable, "-c", code], cwd=cwd, env=clean_env(), capture_output=True, text=True, check=True
        ).stdout.strip()
        for cwd in (ROOT, tmp_path)
    }
    assert urls == {f"sqlite://{ROOT / 'mentormatch.sqlite3'}"}


def test_token_on_a_missing_sqlite_file_leaves_nothing_behind(tmp_path: Path) -> None:
    path = tmp_path / "absent" / "mm.sqlite3"
    line = one_line_failure(
        mentormatch("token", "--role", "staff", cwd=tmp_path, DATABASE_URL=f"sqlite://{path}")
    )
    assert "does not exist: run `mentormatch migrate`" in line
    assert not path.exists() and not (tmp_path / "mentormatch.sqlite3").exists()
    assert mentormatch("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite://{path}").returncode == 0
    issued = mentormatch("token", "--role", "staff", cwd=tmp_path, DATABASE_URL=f"sqlite://{path}")
    assert issued.returncode == 0 and issued.stdout.startswith("mm_"), issued.stderr


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("token", "--role", "staff", "--days", "0"), "argument --days: must be at least 1, got 0"),
        (("token", "--role", "staff", "--days", "soon"), "argument --days: 'soon' is not a whole number"),
        (("token", "--role", "staff", "--id", "5"), "argument --id: a staff token names no one"),
        (("token", "--role", "mentor"), "argument --id: --role mentor needs the mentor's id"),
        (("seed", "--students", "0"), "argument --students: must be at least 1"),
        (("serve", "--port", "0"), "argument --port: must be at least 1"),
    ],
)
def test_option_errors_name_the_option(tmp_path: Path, args: tuple[str, ...], named: str) -> None:
    done = mentormatch(*args, cwd=tmp_path, DATABASE_URL=f"sqlite://{tmp_path / 'never.sqlite3'}")
    assert done.returncode == 2
    assert named in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "never.sqlite3").exists()


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_command_and_option_has_help_without_markup() -> None:
    parser = build_parser()
    for p in _parsers(parser):
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                assert all(choice.help for choice in action._choices_actions), p.prog
            else:
                assert action.help, f"{p.prog} {action.option_strings} has no help"
        text = p.format_help()
        assert "``" not in text and ":func:" not in text, text
    listed = build_parser().format_help()
    for command in ("serve", "worker", "migrate", "seed", "demo", "token"):
        assert command in listed


def test_demo_script_passes_port() -> None:
    script = (ROOT / "scripts" / "demo").read_text()
    assert 'exec .venv/bin/mentormatch demo "$@"' in script
    demo = build_parser().parse_args(["demo", "--port", "8107", "--host", "0.0.0.0"])
    assert (demo.port, demo.host) == (8107, "0.0.0.0")


def test_an_unwritable_sqlite_folder_is_one_line(tmp_path: Path) -> None:
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    line = one_line_failure(
        mentormatch("migrate", cwd=tmp_path, DATABASE_URL=f"sqlite://{blocked}/sub/mm.sqlite3")
    )
    assert "cannot create the folder of the database file" in line and "DATABASE_URL" in line


async def test_worker_check_sees_a_live_worker_on_this_host(tmp_path: Path) -> None:
    import asyncio
    import socket

    from redis.asyncio import Redis

    queue = f"mentormatch-cli-{uuid.uuid4().hex[:8]}"
    settings = {
        "DATABASE_URL": f"sqlite://{tmp_path / 'mm.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "MENTORMATCH_QUEUE": queue,
    }
    assert (await asyncio.to_thread(mentormatch, "migrate", cwd=tmp_path, **settings)).returncode == 0
    worker = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "api.cli",
        "worker",
        cwd=tmp_path,
        env=clean_env(**settings),
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    redis = Redis.from_url(REDIS_URL)
    key = f"{queue}:health-check:{socket.gethostname()}"
    try:
        for _ in range(600):  # a deadline against hangs, not a speed assertion
            if await redis.exists(key):
                break
            await asyncio.sleep(0.1)
        checked = await asyncio.to_thread(mentormatch, "worker", "--check", cwd=tmp_path, **settings)
        assert checked.returncode == 0, checked.stderr
    finally:
        worker.terminate()
        await asyncio.wait_for(worker.wait(), 30)
        await redis.delete(key)
        await redis.aclose()
    assert (
        await asyncio.to_thread(mentormatch, "worker", "--check", cwd=tmp_path, **settings)
    ).returncode == 1
