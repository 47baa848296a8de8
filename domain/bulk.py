"""Reads over id lists of any length with a bounded number of bind parameters per statement.

asyncpg refuses more than 32,767 parameters in one statement and SQLite more than 32,766, so a filter such
as ``student_id__in=ids`` breaks once the list grows with the data (every waiting student, every student of a
run). ``in_chunks`` sends one statement per ``CHUNK`` ids and concatenates the rows: the parameter count of
each statement stays bounded whatever the data, on both databases, with the same queryset code.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Collection, Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from enum import Enum
from typing import Any, TypeVar
from uuid import UUID

from tortoise import Tortoise
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

R = TypeVar("R")

# Well under both limits, leaving room for the statement's other parameters.
CHUNK = 10_000


def chunks(ids: Collection[int], size: int = CHUNK) -> Iterator[list[int]]:
    """``ids`` in sorted order (a stable statement order, and locks taken in id order), ``size`` at a time."""
    ordered = sorted(set(ids))
    for start in range(0, len(ordered), size):
        yield ordered[start : start + size]


async def in_chunks(
    ids: Collection[int], read: Callable[[list[int]], Awaitable[Sequence[R]]], *, size: int = CHUNK
) -> list[R]:
    """``read(chunk)`` for each chunk of ``size`` ids (none when ``ids`` is empty), the rows concatenated.
    A smaller ``size`` where the reads share an event loop that must keep serving (embedded mode): the rows
    of one chunk become objects in one synchronous step.

    ``read`` must filter on ``__in=chunk`` and nothing else unbounded; ordering across chunks is by chunk
    (sort afterwards when the order matters)."""
    rows: list[R] = []
    for chunk in chunks(ids, size):
        rows.extend(await read(chunk))
    return rows


async def select_in(sql: str, ids: Collection[int], *, for_update: bool = False) -> list[Mapping[str, Any]]:
    """The rows of ``sql``, a SELECT that filters a column on ``ids`` where it says ``{ids}`` (as in
    ``WHERE "student_id" {ids} AND ...``): ``= ANY($1::int[])`` on PostgreSQL, one statement whatever the
    count; ``IN (?, ...)`` on SQLite, one statement per ``CHUNK`` ids; no statement when ``ids`` is
    empty. The rest of ``sql`` takes no parameter. ``for_update``: ``FOR UPDATE`` appended on
    PostgreSQL (SQLite has no row locks: its transactions take the whole database).

    For reads of many ids on a hot path (a published run): a queryset's ``__in`` filter builds, and the
    server parses, one bind parameter per id, which costs more than the read itself at thousands of ids.
    Rows are the driver's mappings (column -> value); :func:`models_in` makes model objects of them."""
    if not ids:
        return []
    conn = Tortoise.get_connection("default")  # the caller's transaction, when it holds one
    if _dialect(conn) == "postgres":
        statement = sql.replace("{ids}", "= ANY($1::int[])") + (" FOR UPDATE" if for_update else "")
        _, rows = await conn.execute_query(statement, [sorted(set(ids))])
        return list(rows)
    out: list[Mapping[str, Any]] = []
    for chunk in chunks(ids):
        statement = sql.replace("{ids}", "IN (" + ", ".join("?" for _ in chunk) + ")")
        _, rows = await conn.execute_query(statement, chunk)
        out.extend(rows)
    return out


def literals(values: Iterable[Enum | str]) -> str:
    """Constant values (enum members: their values) as SQL string literals, comma-separated, for the
    fixed part of a :func:`select_in` statement."""
    texts = (v.value if isinstance(v, Enum) else v for v in values)
    return ", ".join("'" + str(t).replace("'", "''") + "'" for t in texts)


M = TypeVar("M", bound=Model)


async def models_in(
    model: type[M], where: str, ids: Collection[int], *, order_by: str = "", for_update: bool = False
) -> list[M]:
    """``model``'s rows ``WHERE <where>`` (with ``{ids}`` as in :func:`select_in`), as model objects
    (Tortoise's own constructor for loaded rows, as its querysets make them)."""
    sql = f'SELECT * FROM "{model._meta.db_table}" WHERE {where}'
    if order_by:
        sql += f" ORDER BY {order_by}"
    return [model._init_from_db(**dict(row)) for row in await select_in(sql, ids, for_update=for_update)]


# --- Set-based writes ------------------------------------------------------------------------------------

# Rows per INSERT on PostgreSQL (one array parameter per column whatever the count; this bounds their size).
PG_ROWS = 20_000
# Bind parameters per INSERT on SQLite (its limit is 32,766).
SQLITE_PARAMS = 30_000


def _dialect(conn: BaseDBAsyncClient) -> str:
    return str(conn.capabilities.dialect)


def _for_sqlite(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return value


_types: dict[str, dict[str, str]] = {}


async def _pg_types(conn: BaseDBAsyncClient, table: str) -> dict[str, str]:
    """Column -> its PostgreSQL type (``format_type``), read once per table and process."""
    if table not in _types:
        _, rows = await conn.execute_query(
            "SELECT attname, format_type(atttypid, atttypmod) AS type FROM pg_attribute "
            "WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped",
            [f'"{table}"'],
        )
        _types[table] = {str(r["attname"]): str(r["type"]) for r in rows}
    return _types[table]


def _encode(value: Any, encoded: dict[int, str]) -> str:
    encoded[id(value)] = text = json.dumps(value)
    return text


def _pg_column(values: list[Any], pg_type: str) -> list[Any]:
    """One column's values as asyncpg encodes them into an array of ``pg_type``: enum members as their
    values, JSON as text, UUIDs as text for a character column."""
    sample = next((v for v in values if v is not None), None)
    if pg_type in ("jsonb", "json"):
        encoded: dict[int, str] = {}  # a payload shared by rows (two topics) is encoded once
        return [None if v is None else encoded.get(id(v)) or _encode(v, encoded) for v in values]
    if isinstance(sample, Enum):
        return [None if v is None else v.value for v in values]
    if isinstance(sample, UUID) and pg_type != "uuid":
        return [None if v is None else str(v) for v in values]
    return values


def _pg_insert(
    table: str,
    columns: Sequence[str],
    types: dict[str, str],
    values: list[list[Any]],
    tail: str,
    returning: Sequence[str],
) -> tuple[str, list[Any]]:
    """The ``INSERT ... SELECT ... FROM unnest(...)`` of one batch (``values``: one list per column) and
    its parameters. A column holding one value in every row (the batch's time, a cause, an empty text) is
    sent once, as a scalar, not as an array of copies: less to encode, send and unnest."""
    count = len(values[0])
    constant = [column.count(column[0]) == count for column in values]
    if all(constant):
        constant[0] = False  # unnest needs one array: it gives the row count
    params: list[Any] = []
    picked: list[str] = []
    arrays: list[str] = []
    unnested: list[str] = []
    for c, column, once in zip(columns, values, constant, strict=True):
        json = types[c] in ("jsonb", "json")
        sent = "text" if json else types[c]
        params.append(column[0] if once else column)
        if once:
            picked.append(f"${len(params)}::{sent}" + ("::jsonb" if json else ""))
        else:
            arrays.append(f"${len(params)}::{sent}[]")
            unnested.append(f'"{c}"')
            picked.append(f'x."{c}"' + ("::jsonb" if json else ""))
    cols = ", ".join(f'"{c}"' for c in columns)
    sql = (
        f'INSERT INTO "{table}" ({cols}) SELECT {", ".join(picked)} '
        f"FROM unnest({', '.join(arrays)}) AS x({', '.join(unnested)}){tail}"
    )
    if returning:  # Tortoise fetches rows only for a statement that does not begin with INSERT
        sql = f"WITH inserted AS ({sql}) SELECT * FROM inserted"
    return sql, params


async def insert_rows(
    table: str,
    columns: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    returning: Sequence[str] = (),
    skip_conflicts: bool = False,
) -> list[tuple[Any, ...]]:
    """Insert ``rows`` (values in ``columns`` order; every column without a database default given) into
    ``table`` inside the caller's transaction, one statement per batch whatever the row count, and return
    the ``returning`` columns of the inserted rows (in no promised order: return a key with the id).

    PostgreSQL: ``INSERT ... SELECT ... FROM unnest($1::type[], $2::type[], ...)``: one array parameter
    per column, in the table's own column types (a column of one value throughout: one scalar). SQLite:
    multi-row ``VALUES`` of at most ``SQLITE_PARAMS`` parameters.
    ``skip_conflicts``: a row that breaks a unique constraint is left out (``ON CONFLICT DO NOTHING``)."""
    if not rows:
        return []
    conn = Tortoise.get_connection("default")  # the caller's transaction, when it holds one
    cols = ", ".join(f'"{c}"' for c in columns)
    tail = (" ON CONFLICT DO NOTHING" if skip_conflicts else "") + (
        " RETURNING " + ", ".join(f'"{c}"' for c in returning) if returning else ""
    )
    out: list[tuple[Any, ...]] = []
    if _dialect(conn) == "postgres":
        types = await _pg_types(conn, table)
        for start in range(0, len(rows), PG_ROWS):
            values = [list(column) for column in zip(*rows[start : start + PG_ROWS], strict=True)]
            for i, c in enumerate(columns):
                values[i] = _pg_column(values[i], types[c])
            sql, params = _pg_insert(table, columns, types, values, tail, returning)
            _, result = await conn.execute_query(sql, params)
            out.extend(tuple(r.values()) for r in result)
        return out
    per_statement = max(1, SQLITE_PARAMS // len(columns))
    one = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), per_statement):
        part = rows[start : start + per_statement]
        sql = f'INSERT INTO "{table}" ({cols}) VALUES {", ".join(one for _ in part)}{tail}'
        values = [_for_sqlite(v) for row in part for v in row]
        _, result = await conn.execute_query(sql, values)
        out.extend(tuple(r) for r in result)
    return out


async def lock_versions(table: str, ids: Collection[int]) -> dict[int, int]:
    """Lock the rows ``ids`` of ``table`` (a versioned table: mentor, student) in id order, inside the
    caller's transaction, and return their versions (id -> version; a missing row is left out): one
    ``SELECT ... FOR UPDATE`` (``= ANY($1)``) on PostgreSQL, whatever the count; on SQLite (no row locks:
    its transactions take the whole database) one read per ``CHUNK`` ids."""
    if not ids:
        return {}
    conn = Tortoise.get_connection("default")
    if _dialect(conn) == "postgres":
        _, rows = await conn.execute_query(
            f'SELECT "id", "version" FROM "{table}" WHERE "id" = ANY($1::int[]) ORDER BY "id" FOR UPDATE',
            [sorted(set(ids))],
        )
        return {int(r["id"]): int(r["version"]) for r in rows}
    versions: dict[int, int] = {}
    for chunk in chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        _, rows = await conn.execute_query(
            f'SELECT "id", "version" FROM "{table}" WHERE "id" IN ({marks}) ORDER BY "id"', chunk
        )
        versions.update((int(r["id"]), int(r["version"])) for r in rows)
    return versions


async def bump_versions(table: str, ids: Collection[int], now: datetime) -> None:
    """``version = version + 1`` and ``updated_at = now`` for the rows ``ids`` of ``table``: one
    statement (``= ANY($1)``) on PostgreSQL, one per ``CHUNK`` ids on SQLite."""
    if not ids:
        return
    conn = Tortoise.get_connection("default")
    if _dialect(conn) == "postgres":
        await conn.execute_query(
            f'UPDATE "{table}" SET "version" = "version" + 1, "updated_at" = $1 WHERE "id" = ANY($2::int[])',
            [now, sorted(set(ids))],
        )
        return
    for chunk in chunks(ids):
        marks = ", ".join("?" for _ in chunk)
        await conn.execute_query(
            f'UPDATE "{table}" SET "version" = "version" + 1, "updated_at" = ? WHERE "id" IN ({marks})',
            [now.isoformat(" "), *chunk],
        )
