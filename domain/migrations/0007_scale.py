"""One schema on both databases: SQLite gets the indexes and unique constraints that PostgreSQL has and
that SQLite lost or never had (Tortoise's SQLite AlterField/AddConstraint rebuild a table and drop its
indexes; unique_together and one-to-one uniqueness were among them). Same names as on PostgreSQL;
``tests/domain/test_schema_parity.py`` compares the two after every migration.

Without ``mentorship(mentor_id, ended_on)`` and the session, assessment and absence indexes, SQLite scans
whole tables per pair at publish (quadratic time). A no-op on PostgreSQL, which has all of them.
"""

from tortoise import migrations
from tortoise.migrations import operations as ops

SQLITE_INDEXES = [
    ("idx_mentorship_mentor__764d55", "mentorship", ("mentor_id", "ended_on"), False),
    ("idx_session_mentor__d694a0", "session", ("mentor_id", "starts_at"), False),
    ("idx_session_mentors_13ccd5", "session", ("mentorship_id", "starts_at"), False),
    ("idx_session_student_687424", "session", ("student_id", "starts_at"), False),
    ("idx_assessment_assesso_4f5f0c", "assessment", ("assessor_id", "starts_at"), False),
    ("idx_assessment_student_d88415", "assessment", ("student_id", "project_id"), False),
    ("idx_mentor_abse_mentor__0343a9", "mentor_absence", ("mentor_id", "starts_on"), False),
    ("uid_project_path_id_3c1f93", "project", ("path_id", "name"), True),
    ("uid_mentor_avai_mentor__f12462", "mentor_availability", ("mentor_id", "weekday", "start_minute"), True),
    ("uid_student_ava_student_503419", "student_availability", ("student_id", "weekday", "start_minute"), True),
    ("calendar_feed_mentor_id_key", "calendar_feed", ("mentor_id",), True),
    ("calendar_feed_student_id_key", "calendar_feed", ("student_id",), True),
]


def _statements(forward: bool) -> list[str]:
    if not forward:
        return [f'DROP INDEX IF EXISTS "{name}"' for name, *_ in SQLITE_INDEXES]
    statements = []
    for name, table, columns, unique in SQLITE_INDEXES:
        quoted = ", ".join('"' + c + '"' for c in columns)
        kind = "UNIQUE INDEX" if unique else "INDEX"
        statements.append(f'CREATE {kind} IF NOT EXISTS "{name}" ON "{table}" ({quoted})')
    return statements


async def _run(schema_editor, forward: bool) -> None:
    if schema_editor.DIALECT != "sqlite":
        return
    for sql in _statements(forward):
        if schema_editor.collect_sql:
            schema_editor.collected_sql.append(sql)
        else:
            await schema_editor.client.execute_query(sql)


async def _forward(_apps, schema_editor) -> None:
    await _run(schema_editor, True)


async def _backward(_apps, schema_editor) -> None:
    await _run(schema_editor, False)


class Migration(migrations.Migration):
    dependencies = [("models", "0006_pair")]

    initial = False

    operations = [ops.RunPython(_forward, _backward)]
