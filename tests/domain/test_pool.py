"""A connection going back to the pool costs no extra round trip: on PostgreSQL the pool does not send its
session reset (``pg_advisory_unlock_all(); CLOSE ALL; UNLISTEN *; RESET ALL``), which this code never
needs; an open transaction is still rolled back."""

from __future__ import annotations

import asyncpg
from tortoise.transactions import in_transaction

from domain.config import connection_config
from domain.models import Path
from tests.conftest import Backend


async def _last_statements(url: str) -> list[str]:
    """What each idle pool connection of the test database sent last (PostgreSQL's own record)."""
    conn = await asyncpg.connect(url)
    try:
        rows = await conn.fetch(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() "
            "AND pid <> pg_backend_pid() AND state = 'idle'"
        )
        return [r["query"] for r in rows]
    finally:
        await conn.close()


async def test_released_connections_are_not_reset(db: Backend) -> None:
    if not db.is_postgres:
        assert connection_config(db.url) == db.url  # SQLite has no pool to configure
        return
    for _ in range(3):
        assert await Path.all().count() == 0
    last = await _last_statements(db.url)
    assert last, "the pool keeps idle connections"
    assert not [q for q in last if "RESET ALL" in q or "pg_advisory_unlock_all" in q], last
    assert any('FROM "path"' in q for q in last), last


async def test_a_transaction_left_by_an_error_is_still_rolled_back(db: Backend) -> None:
    try:
        async with in_transaction():
            await Path.create(name="Rolled back")
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    assert await Path.all().count() == 0
    await Path.create(name="Kept")
    assert [p.name for p in await Path.all()] == ["Kept"]
