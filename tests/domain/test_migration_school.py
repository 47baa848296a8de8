"""Migration 0009_school upgrades a database that has mentors, pairs and sessions, on SQLite and PostgreSQL:
the new NOT NULL columns take their SQL default, each existing session gets its own random video room, the
mentor status's new values change no stored row and no index or trigger is lost (an SQLite AlterField of the
mentor table would fail on the rows that reference it, and drop its indexes)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.conftest import POSTGRES_SERVER

NAME = f"mentormatch_migration_school_{os.getpid()}"


def _upgrade(url: str) -> dict[str, list[str]]:
    done = subprocess.run(
        [sys.executable, "-m", "tests.domain.migration_upgrade", url],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    report: dict[str, list[str]] = json.loads(done.stdout.strip().splitlines()[-1])
    return report


def _check(report: dict[str, list[str]]) -> None:
    assert report["lost"] == []
    assert report["statuses"] == ["active"]
    assert report["urls"] == ["", ""]
    uids = report["uids"]
    assert len(set(uids)) == 2 and all(len(u) == 32 for u in uids), uids


def test_upgrade_with_data_on_sqlite(tmp_path: Path) -> None:
    _check(_upgrade(f"sqlite://{tmp_path / 'upgrade.sqlite3'}"))


async def test_upgrade_with_data_on_postgres() -> None:
    conn = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{NAME}"')
        _check(_upgrade(f"{POSTGRES_SERVER}/{NAME}"))
    finally:
        await conn.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
        await conn.close()
