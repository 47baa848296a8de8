"""One schema on both databases: after every migration, SQLite and PostgreSQL have the same indexes (name,
columns, uniqueness, partial predicate), the same check constraints and the same foreign keys.

Both databases are migrated from scratch by ``mentormatch migrate`` in a child process (so the test's own
Tortoise connection is not disturbed) and read back through their catalogues. Differences of dialect are
listed here once: PostgreSQL's primary-key indexes (SQLite's rowid has none), and the two no-overlap guards
on sessions, exclusion constraints on PostgreSQL and triggers on SQLite (migration 0002).
"""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import asyncpg

from tests.conftest import POSTGRES_SERVER

ROOT = Path(__file__).resolve().parents[2]
DATABASE = f"mentormatch_parity_{os.getpid()}"

Index = tuple[str, str, tuple[str, ...], bool, str]  # name, table, columns, unique, predicate
# The no-overlap guards: a PostgreSQL exclusion constraint each, one SQLite trigger pair for both.
EXCLUSIONS = {"session_mentor_no_overlap", "session_student_no_overlap"}
TRIGGERS = {"session_no_overlap_insert", "session_no_overlap_update"}


def _predicate(sql: str | None) -> str:
    """A partial index's WHERE clause in one spelling: no casts, quotes or parentheses, ``= ANY(ARRAY[..])``
    as ``IN (..)``."""
    if not sql:
        return ""
    text = re.sub(r"::[a-z]+( [a-z]+)*(\[\])?", "", sql)
    text = text.replace('"', "")
    text = re.sub(r"(\w+)\)? = ANY \(+ARRAY\[([^\]]*)\]", r"\1 IN (\2", text)
    return re.sub(r"[()\s]", "", text).lower()


def _migrate(url: str) -> None:
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    env.pop("REDIS_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "api.cli", "migrate"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr


def _sqlite_schema(path: Path) -> tuple[set[Index], set[tuple[str, str]], set[tuple[str, ...]], set[str]]:
    con = sqlite3.connect(path)
    try:
        tables = [r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        tables = [t for t in tables if not t.startswith("sqlite_")]
        indexes: set[Index] = set()
        checks: set[tuple[str, str]] = set()
        fks: set[tuple[str, ...]] = set()
        for table in tables:
            create = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (table,)).fetchone()[0]
            checks |= {(table, name) for name in re.findall(r'CONSTRAINT "?(\w+)"? CHECK', create)}
            for _seq, name, unique, origin, partial in con.execute(f'PRAGMA index_list("{table}")'):
                if origin == "pk":
                    continue
                columns = tuple(r[2] for r in con.execute(f'PRAGMA index_info("{name}")'))
                where = ""
                if partial:
                    sql = con.execute("SELECT sql FROM sqlite_master WHERE name = ?", (name,)).fetchone()[0]
                    where = sql.split(" WHERE ", 1)[1]
                # A UNIQUE column or table constraint is an unnamed autoindex: name it from the constraint
                # if it has one, else leave the name out (PostgreSQL names those "<table>_<column>_key").
                if name.startswith("sqlite_autoindex_"):
                    quoted = re.escape(", ".join('"' + c + '"' for c in columns))
                    named = re.search(r'CONSTRAINT "?(\w+)"? UNIQUE \(' + quoted + r"\)", create)
                    name = named.group(1) if named else f"{table}_{'_'.join(columns)}_key"
                indexes.add((name, table, columns, bool(unique), _predicate(where)))
            for row in con.execute(f'PRAGMA foreign_key_list("{table}")'):
                fks.add((table, row[3], row[2], row[4], row[6].upper()))  # column, table, column, on delete
        triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")}
        return indexes, checks, fks, triggers
    finally:
        con.close()


async def _postgres_schema(
    dsn: str,
) -> tuple[set[Index], set[tuple[str, str]], set[tuple[str, ...]], set[str]]:
    con = await asyncpg.connect(dsn)
    try:
        rows = await con.fetch(
            """SELECT i.relname AS name, t.relname AS tbl, ix.indisunique AS uniq,
                      ARRAY(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(n, o)
                            JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.n ORDER BY k.o) AS cols,
                      pg_get_expr(ix.indpred, ix.indrelid) AS pred
               FROM pg_index ix JOIN pg_class t ON t.oid = ix.indrelid JOIN pg_class i ON i.oid = ix.indexrelid
               JOIN pg_namespace n ON n.oid = t.relnamespace
               WHERE n.nspname = 'public' AND NOT ix.indisprimary"""
        )
        exclusions = {
            r["conname"]
            for r in await con.fetch(
                "SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype = 'x'"
            )
        }
        indexes = {
            (r["name"], r["tbl"], tuple(r["cols"]), r["uniq"], _predicate(r["pred"]))
            for r in rows
            if r["name"] not in exclusions
        }
        checks = {
            (r["tbl"], r["conname"])
            for r in await con.fetch(
                "SELECT conrelid::regclass::text AS tbl, conname FROM pg_constraint "
                "WHERE connamespace = 'public'::regnamespace AND contype = 'c'"
            )
        }
        fks = {
            (r["tbl"], r["col"], r["ref"], r["refcol"], r["action"])
            for r in await con.fetch(
                """SELECT c.conrelid::regclass::text AS tbl, a.attname AS col, c.confrelid::regclass::text AS ref,
                          b.attname AS refcol,
                          CASE c.confdeltype WHEN 'a' THEN 'NO ACTION' WHEN 'r' THEN 'RESTRICT'
                               WHEN 'c' THEN 'CASCADE' WHEN 'n' THEN 'SET NULL' ELSE 'SET DEFAULT' END AS action
                   FROM pg_constraint c
                   JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
                   JOIN pg_attribute b ON b.attrelid = c.confrelid AND b.attnum = c.confkey[1]
                   WHERE c.connamespace = 'public'::regnamespace AND c.contype = 'f'"""
            )
        }
        return indexes, checks, fks, exclusions
    finally:
        await con.close()


async def test_sqlite_and_postgres_have_the_same_indexes_and_constraints(tmp_path: Path) -> None:
    sqlite_path = tmp_path / "parity.sqlite3"
    admin = await asyncpg.connect(f"{POSTGRES_SERVER}/postgres", timeout=5)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.execute(f'CREATE DATABASE "{DATABASE}"')
        _migrate(f"sqlite://{sqlite_path}")
        _migrate(f"{POSTGRES_SERVER}/{DATABASE}")
        pg_indexes, pg_checks, pg_fks, exclusions = await _postgres_schema(f"{POSTGRES_SERVER}/{DATABASE}")
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        await admin.close()
    lite_indexes, lite_checks, lite_fks, triggers = _sqlite_schema(sqlite_path)

    assert sorted(pg_indexes - lite_indexes) == [], "on PostgreSQL only"
    assert sorted(lite_indexes - pg_indexes) == [], "on SQLite only"
    assert lite_checks == pg_checks
    assert lite_fks == pg_fks
    assert exclusions == EXCLUSIONS and triggers >= TRIGGERS
    # The indexes publish and the calendar need are there on both (the list).
    columns = {(table, cols) for _name, table, cols, _unique, _where in lite_indexes}
    assert ("mentorship", ("mentor_id", "ended_on")) in columns
    assert ("session", ("mentor_id", "starts_at")) in columns
    assert ("assessment", ("assessor_id", "starts_at")) in columns
    assert ("mentor_absence", ("mentor_id", "starts_on")) in columns


def test_predicates_are_compared_in_one_spelling() -> None:
    pg = "((status)::text = ANY ((ARRAY['queued'::character varying, 'running'::character varying])::text[]))"
    assert _predicate(pg) == _predicate("\"status\" IN ('queued', 'running')")
    assert _predicate("(ended_on IS NULL)") == _predicate('"ended_on" IS NULL')
    assert _predicate("(ended_on IS NULL)") != _predicate('"ended_on" IS NOT NULL')
