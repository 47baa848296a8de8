"""PostgreSQL databases of a test's own: made empty on a server, dropped afterwards. The one helper for the
session's database (``tests/conftest.py``) and the process tests' (``tests/jobs/faults.py``)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import asyncpg


async def create_database(server: str, name: str) -> str:
    """A new empty database ``name`` on ``server`` (dropped first if a crashed run left it); its URL."""
    conn = await asyncpg.connect(f"{server}/postgres", timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    return f"{server}/{name}"


async def drop_database(server: str, name: str) -> None:
    conn = await asyncpg.connect(f"{server}/postgres", timeout=10)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


@contextlib.asynccontextmanager
async def own_database(server: str, name: str) -> AsyncIterator[str]:
    """A database of the test's own on ``server`` for the block: its URL; dropped afterwards."""
    url = await create_database(server, name)
    try:
        yield url
    finally:
        await drop_database(server, name)
