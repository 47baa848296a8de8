"""``python -m tests.domain.migration_upgrade DATABASE_URL``: migrate an empty database to 0008, store a
mentor, a pair and two sessions, apply the rest, then print a JSON report (indexes lost, the sessions'
video rooms, the mentor's status). Run in its own process by tests/domain/test_migration_school.py, since
Tortoise holds one global connection per process."""

from __future__ import annotations

import asyncio
import json
import sys

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from domain.config import tortoise_config
from infra.connections import _apps_config

ROWS = """
INSERT INTO path (name, description, duration_months, created_at, updated_at)
  VALUES ('P', '', 12, '2026-01-01', '2026-01-01');
INSERT INTO project (path_id, name, level, position, description, created_at, updated_at)
  VALUES (1, 'X', 2, 0, '', '2026-01-01', '2026-01-01');
INSERT INTO mentor (name, email, capacity, timezone, status, start_date, languages, version, created_at, updated_at)
  VALUES ('M', 'm@example.org', 3, 'Europe/Paris', 'active', '2026-01-01', 'fr', 1, '2026-01-01', '2026-01-01');
INSERT INTO student (name, email, phone, address, photo_url, latest_diploma, training_objective, status, funding,
  allowed_weekdays, path_id, current_project_id, timezone, session_minutes, weekly_hours, languages, version,
  created_at, updated_at)
  VALUES ('S', 's@example.org', '', '', '', '', '', 'other', 'self_funded', 127, 1, 1, 'Europe/Paris', 45, 15,
  'fr', 1, '2026-01-01', '2026-01-01');
INSERT INTO mentorship (student_id, mentor_id, slot_weekday, slot_start_minute, slot_minutes, started_on,
  created_at, updated_at) VALUES (1, 1, 1, 1140, 45, '2026-01-01', '2026-01-01', '2026-01-01');
INSERT INTO session (mentorship_id, kind, starts_at, duration_minutes, status, notes, private_comment, mentor_id,
  student_id, paris_week, catch_up, catch_up_reason, sequence, created_at, updated_at)
  VALUES (1, 'regular', '2026-01-06 18:00:00+00', 45, 'scheduled', '', '', 1, 1, '2026-01-05', false, '', 0,
  '2026-01-01', '2026-01-01');
INSERT INTO session (mentorship_id, kind, starts_at, duration_minutes, status, notes, private_comment, mentor_id,
  student_id, paris_week, catch_up, catch_up_reason, sequence, created_at, updated_at)
  VALUES (1, 'regular', '2026-01-13 18:00:00+00', 45, 'scheduled', '', '', 1, 1, '2026-01-12', false, '', 0,
  '2026-01-01', '2026-01-01');
"""


async def _indexes(sqlite: bool) -> set[str]:
    """Indexes and triggers by what they are. On SQLite an index is named by its table, columns and
    uniqueness (a table rebuilt by a migration may turn an inline ``UNIQUE (a, b)``, whose index SQLite
    names ``sqlite_autoindex_<table>_N``, into the same index under its own name: nothing is lost)."""
    conn = Tortoise.get_connection("default")
    if not sqlite:
        sql = "SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'"
        return {str(r["name"]) for r in await conn.execute_query_dict(sql)}
    found = {
        f"trigger {r['name']}"
        for r in await conn.execute_query_dict("SELECT name FROM sqlite_master WHERE type = 'trigger'")
    }
    tables = await conn.execute_query_dict("SELECT name FROM sqlite_master WHERE type = 'table'")
    for table in (str(t["name"]) for t in tables):
        for index in await conn.execute_query_dict(f'PRAGMA index_list("{table}")'):
            columns = await conn.execute_query_dict(f'PRAGMA index_info("{index["name"]}")')
            names = ",".join(str(c["name"]) for c in sorted(columns, key=lambda c: int(c["seqno"])))
            found.add(f"{'unique ' if index['unique'] else ''}{table}({names}) partial={index['partial']}")
    return found


async def main(url: str) -> dict[str, object]:
    await Tortoise.init(config=tortoise_config(url))
    try:
        sqlite = url.startswith("sqlite")
        conn = Tortoise.get_connection("default")
        executor = MigrationExecutor(conn, _apps_config())
        await executor.migrate([MigrationTarget(app_label="models", name="0008_notify")])
        before = await _indexes(sqlite)
        await conn.execute_script(ROWS)
        await executor.migrate(None)
        after = await _indexes(sqlite)
        sessions = await conn.execute_query_dict('SELECT video_uid, video_url FROM "session" ORDER BY id')
        mentors = await conn.execute_query_dict('SELECT status FROM "mentor"')
        return {
            "lost": sorted(before - after),
            "uids": [str(r["video_uid"]) for r in sessions],
            "urls": [str(r["video_url"]) for r in sessions],
            "statuses": [str(r["status"]) for r in mentors],
        }
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1]))))
