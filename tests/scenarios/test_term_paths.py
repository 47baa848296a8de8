"""Where the simulated term writes, and what ``--fresh`` may delete: only what the command created."""

from __future__ import annotations

import stat
import uuid
from pathlib import Path

import asyncpg
import pytest

from scenarios import term
from tests.conftest import POSTGRES_SERVER


def test_the_default_database_is_private_and_new_each_time() -> None:
    first, second = term._private_database_url(), term._private_database_url()
    assert first != second
    folder = Path(first.removeprefix("sqlite://")).parent
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    for url in (first, second):
        Path(url.removeprefix("sqlite://")).parent.rmdir()


async def test_fresh_refuses_an_sqlite_file_it_did_not_create(tmp_path: Path) -> None:
    theirs = tmp_path / "theirs.sqlite3"
    theirs.write_bytes(b"someone's data")
    with pytest.raises(SystemExit, match="did not create it"):
        await term._fresh_database(f"sqlite://{theirs}")
    assert theirs.read_bytes() == b"someone's data"
    ours = tmp_path / "ours.sqlite3"
    await term._fresh_database(f"sqlite://{ours}")  # absent: created and marked as ours
    ours.write_bytes(b"a previous term")
    await term._fresh_database(f"sqlite://{ours}")
    assert not ours.exists()


async def test_fresh_refuses_a_postgres_database_it_did_not_create() -> None:
    name = f"mentormatch_term_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        with pytest.raises(SystemExit, match="did not create it"):
            await term._fresh_database(f"{POSTGRES_SERVER}/{name}")
        assert await admin.fetchval("SELECT count(*) FROM pg_database WHERE datname = $1", name) == 1
        await admin.execute(f'DROP DATABASE "{name}"')
        await term._fresh_database(f"{POSTGRES_SERVER}/{name}")  # created, marked
        await term._fresh_database(f"{POSTGRES_SERVER}/{name}")  # ours: dropped and created again
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()
