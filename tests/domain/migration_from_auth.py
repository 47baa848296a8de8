"""``python -m tests.domain.migration_from_auth DATABASE_URL``: migrate an empty database to 0004 (before
0005 alters ``mentor.status``), store a programme that references its mentor from four tables, apply the rest
with the service's own ``migrate()``, then print a JSON report: the rows still there, foreign keys broken,
whether foreign keys are enforced again, and the schema objects. Run in its own process by
tests/domain/test_migration_upgrade.py, since Tortoise holds one global connection per process."""

from __future__ import annotations

import asyncio
import json
import sys

from tortoise import Tortoise
from tortoise.migrations.executor import MigrationExecutor, MigrationTarget

from domain.config import tortoise_config
from infra.connections import _apps_config, migrate

STAMP = "'2026-01-01 00:00:00'"
ROWS = f"""
INSERT INTO path (name, description, duration_months, created_at, updated_at) VALUES ('P', '', 12, {STAMP}, {STAMP});
INSERT INTO project (path_id, name, level, position, description, created_at, updated_at)
  VALUES (1, 'X', 2, 0, '', {STAMP}, {STAMP});
INSERT INTO mentor (name, email, capacity, timezone, status, start_date, languages, version, created_at, updated_at)
  VALUES ('M', 'm@example.org', 3, 'Europe/Paris', 'active', '2026-01-01', 'fr', 1, {STAMP}, {STAMP});
INSERT INTO mentor_project (mentor_id, project_id) VALUES (1, 1);
INSERT INTO mentor_availability (mentor_id, weekday, start_minute, end_minute) VALUES (1, 1, 1080, 1260);
INSERT INTO student (name, email, phone, address, photo_url, latest_diploma, training_objective, status, funding,
  allowed_weekdays, path_id, current_project_id, timezone, session_minutes, weekly_hours, languages, version,
  created_at, updated_at)
  VALUES ('S', 's@example.org', '', '', '', '', '', 'other', 'self_funded', 127, 1, 1, 'Europe/Paris', 45, 15,
  'fr', 1, {STAMP}, {STAMP});
INSERT INTO mentorship (student_id, mentor_id, slot_weekday, slot_start_minute, slot_minutes, started_on,
  created_at, updated_at) VALUES (1, 1, 1, 1140, 45, '2026-01-01', {STAMP}, {STAMP});
"""
TABLES = ("mentor", "mentor_project", "mentor_availability", "student", "mentorship")


async def _objects(sqlite: bool) -> list[str]:
    conn = Tortoise.get_connection("default")
    if sqlite:
        sql = "SELECT type || ' ' || name || ': ' || COALESCE(sql, '') AS o FROM sqlite_master"
    else:
        sql = "SELECT 'index ' || indexname || ': ' || indexdef AS o FROM pg_indexes WHERE schemaname = 'public'"
    return sorted(str(r["o"]) for r in await conn.execute_query_dict(sql))


async def main(url: str, with_rows: bool) -> dict[str, object]:
    await Tortoise.init(config=tortoise_config(url))
    try:
        sqlite = url.startswith("sqlite")
        conn = Tortoise.get_connection("default")
        if with_rows:
            await MigrationExecutor(conn, _apps_config()).migrate(
                [MigrationTarget(app_label="models", name="0004_auth")]
            )
            await conn.execute_script(ROWS)
        applied = await migrate()
        counts = {
            t: (await conn.execute_query_dict(f'SELECT COUNT(*) AS n FROM "{t}"'))[0]["n"] for t in TABLES
        }
        report: dict[str, object] = {"applied": applied, "counts": counts, "objects": await _objects(sqlite)}
        if sqlite:
            report["broken"] = await conn.execute_query_dict("PRAGMA foreign_key_check")
            report["enforced"] = (await conn.execute_query_dict("PRAGMA foreign_keys"))[0]["foreign_keys"]
        return report
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    print(json.dumps(asyncio.run(main(sys.argv[1], sys.argv[2:] != ["--empty"]))))
